using Orchestrator.Contracts;

namespace Orchestrator.Actors.Admission;

/// <summary>
/// The node's load shedder: a lock-free count of guarded calls in flight across every dependency, against a limit
/// with shares per tier. OPTIONAL calls may fill only <c>OptionalShare</c> of the limit and IMPORTANT ones
/// <c>ImportantShare</c>, so the rest is always kept for CRITICAL calls and the lower tiers are shed first. A
/// rejection is immediate: nothing waits. With <c>Adaptive</c> the limit follows latency (AIMD). Thread-safe.
/// </summary>
internal sealed class AdmissionController
{
    private readonly AdmissionOptions _options;
    private int _inFlight;
    private long _limitBits;
    private long _shedOptional, _shedImportant, _shedCritical;

    /// <summary>Creates a controller with the options' starting limit.</summary>
    public AdmissionController(AdmissionOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _limitBits = BitConverter.DoubleToInt64Bits(options.Limit);
    }

    /// <summary>The limit now (it moves when adaptive).</summary>
    public int Limit => (int)CurrentLimit;

    /// <summary>Calls in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    private double CurrentLimit => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _limitBits));

    /// <summary>The most calls in flight at which a call of <paramref name="tier"/> is still admitted.</summary>
    public int CapFor(Tier tier) => tier switch
    {
        Tier.Optional => Math.Max(1, (int)(CurrentLimit * _options.OptionalShare)),
        Tier.Important => Math.Max(1, (int)(CurrentLimit * _options.ImportantShare)),
        _ => Math.Max(1, (int)CurrentLimit),
    };

    /// <summary>Admits a call of <paramref name="tier"/>, or sheds it (false) at once.</summary>
    public bool TryAdmit(Tier tier)
    {
        var cap = CapFor(tier);
        while (true)
        {
            var current = Volatile.Read(ref _inFlight);
            if (current >= cap)
            {
                if (tier == Tier.Optional) Interlocked.Increment(ref _shedOptional);
                else if (tier == Tier.Important) Interlocked.Increment(ref _shedImportant);
                else Interlocked.Increment(ref _shedCritical);
                return false;
            }
            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current) return true;
        }
    }

    /// <summary>Ends an admitted call that never reached its dependency: it gives its place back and leaves an adaptive limit alone.</summary>
    public void Release() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Ends an admitted call; an adaptive limit grows after calls on time and shrinks after slow or failed ones.</summary>
    public void Release(TimeSpan elapsed, bool succeeded)
    {
        Interlocked.Decrement(ref _inFlight);
        if (!_options.Adaptive) return;
        while (true)
        {
            var bits = Interlocked.Read(ref _limitBits);
            var limit = BitConverter.Int64BitsToDouble(bits);
            var next = succeeded && elapsed <= _options.LatencyTarget
                ? Math.Min(_options.MaxLimit, limit + 1.0 / limit)
                : Math.Max(_options.MinLimit, limit * _options.DecreaseFactor);
            if (Interlocked.CompareExchange(ref _limitBits, BitConverter.DoubleToInt64Bits(next), bits) == bits) return;
        }
    }

    /// <summary>The controller's state now.</summary>
    public AdmissionSnapshot Snapshot() => new(InFlight, Limit, CapFor(Tier.Optional), CapFor(Tier.Important),
        Interlocked.Read(ref _shedOptional), Interlocked.Read(ref _shedImportant), Interlocked.Read(ref _shedCritical));
}
