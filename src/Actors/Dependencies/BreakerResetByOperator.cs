namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Published on the actor system's event stream by a dependency actor when an operator resets its breaker by hand
/// (<see cref="Contracts.ResetBreaker"/>, <c>POST /api/dependencies/{name}/reset</c>), whatever state the breaker
/// was in. The priority coordinator ends the cool-down of every feature that leans on <paramref name="Dependency"/>
/// and takes the breaker's openings up to <paramref name="Openings"/> as handled.
/// </summary>
/// <param name="Dependency">The dependency whose breaker was reset.</param>
/// <param name="Openings">
/// The breaker's openings since start (<see cref="Breaker.BreakerBoard.Openings"/>) right after the reset: these the
/// operator has dealt with; only a later opening starts a cool-down again.
/// </param>
internal sealed record BreakerResetByOperator(string Dependency, long Openings);
