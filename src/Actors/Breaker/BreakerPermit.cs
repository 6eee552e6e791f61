namespace Orchestrator.Actors.Breaker;

/// <summary>The breaker's answer to "may this call run?".</summary>
internal enum BreakerPermit
{
    /// <summary>No: the breaker is open, isolated, or half-open with every probe taken.</summary>
    Rejected,
    /// <summary>Yes, as a normal call.</summary>
    Allowed,
    /// <summary>Yes, as a half-open probe: its outcome decides whether the breaker closes.</summary>
    Probe,
}
