namespace Orchestrator.Contracts;

/// <summary>How a hedged call went: the hedges started beside its attempts, and which attempt's answer was given.</summary>
/// <param name="Hedges">Hedges started beside the call's own attempts.</param>
/// <param name="WinningAttempt">
/// The attempt whose answer was given, numbered from 1 in the order the attempts started (1: the first attempt, so
/// the hedges did not help); null when no attempt answered.
/// </param>
/// <param name="AnsweredBy">The dependency that answered: the one called, or its replica; null when none answered.</param>
public sealed record HedgeReport(int Hedges, int? WinningAttempt, string? AnsweredBy);
