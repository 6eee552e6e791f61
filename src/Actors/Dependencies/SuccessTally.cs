namespace Orchestrator.Actors.Dependencies;

/// <summary>
/// Successes of calls run on the callers' side, waiting for the dependency's actor to record them in its breaker
/// and retry budget. Callers add lock-free; the first addition after the actor took the last batch tells the actor
/// (one small message for any number of successes), so a flood of fast calls never floods its mailbox. Failures and
/// probes are told one by one: their order and details matter.
/// </summary>
internal sealed class SuccessTally
{
    private const long OneSlow = 1L << 32;
    private long _counts; // slow calls in the high half, all calls in the low half: one atomic add per success
    private int _told;

    /// <summary>Adds a success; true when the caller must tell the actor (nobody has since it last took the batch).</summary>
    public bool Add(bool slow)
    {
        Interlocked.Add(ref _counts, slow ? OneSlow + 1 : 1);
        return Volatile.Read(ref _told) == 0 && Interlocked.Exchange(ref _told, 1) == 0;
    }

    /// <summary>Takes the successes added so far (the actor only); a later addition tells the actor again.</summary>
    public (int Calls, int Slow) Take()
    {
        Volatile.Write(ref _told, 0);
        var counts = Interlocked.Exchange(ref _counts, 0);
        return ((int)(counts & uint.MaxValue), (int)(counts >>> 32));
    }
}
