using Orchestrator.Contracts;

namespace Orchestrator.Actors.Breaker;

/// <summary>
/// The maths of one dependency's circuit breaker: Closed -> Open on too many failures (in a row, or by ratio or
/// slow-call ratio over a sliding window), Open -> HalfOpen when the reset timeout ends, HalfOpen -> Closed when
/// every probe succeeds or back to Open when one fails. Driven by a <see cref="TimeProvider"/>; holds no timers
/// and no locks: its owner (one actor) calls it from one thread and reports <see cref="Transitioned"/>. Every
/// state it takes is published on its <see cref="BreakerBoard"/>, where callers read it and take half-open probes.
/// </summary>
/// <remarks>
/// Reading never changes the breaker: the state moves only on a call (<see cref="TryAcquire()"/>, the records of
/// outcomes), a timer (<see cref="Refresh"/>, when the reset timeout ends) or a command.
/// </remarks>
/// <remarks>
/// In a cluster the breaker may also <em>follow</em> the others (<see cref="Follow"/>): it is open on their evidence,
/// without a reset timeout of its own, until the cluster says the dependency recovered (<see cref="Release"/>) or
/// this node is chosen to probe (<see cref="TakeOverProbing"/>). While another node probes
/// (<see cref="ProbesElsewhere"/>), an open period that ends turns into following instead of half-open.
/// </remarks>
internal sealed class CircuitBreaker
{
    private CircuitBreakerOptions _options;
    private readonly TimeProvider _time;
    private SlidingWindow _window;
    private BreakerState _state = BreakerState.Closed;
    private long _halfOpenRound;
    private int _consecutiveFailures;
    private int _trips;
    private int _probeSuccesses;
    private int _roundProbes; // the probes of the current half-open round: HalfOpenProbes when it began
    private DateTimeOffset? _openUntil;

    /// <summary>Creates a closed breaker, published on <paramref name="board"/> (a board of its own when null).</summary>
    public CircuitBreaker(CircuitBreakerOptions options, TimeProvider time, BreakerBoard? board = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _window = new SlidingWindow(options.SamplingWindow);
        Board = board ?? new BreakerBoard();
        LastTransitionAt = time.GetUtcNow();
        Board.Publish(BreakerState.Closed, _halfOpenRound, 0, null, LastTransitionAt);
    }

    /// <summary>
    /// Takes new thresholds (a change of options at run time), keeping the state, the failures in a row and the
    /// window's counts: each rule applies from the next recorded call; an open period already set keeps its end, and a
    /// half-open round its number of probes. A new <see cref="CircuitBreakerOptions.SamplingWindow"/> starts an empty window.
    /// </summary>
    public void Reconfigure(CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SamplingWindow != _options.SamplingWindow) _window = new SlidingWindow(options.SamplingWindow);
        _options = options;
    }

    /// <summary>Where the breaker publishes its state for callers.</summary>
    public BreakerBoard Board { get; }

    /// <summary>Raised on every change of state, synchronously, by the call that caused it.</summary>
    public Action<BreakerTransition>? Transitioned { get; set; }

    /// <summary>The state. An open breaker whose reset timeout has ended stays open until a call or <see cref="Refresh"/> moves it.</summary>
    public BreakerState State => _state;

    /// <summary>
    /// Counts the half-open rounds. A probe's outcome counts only in the round that handed it out: a probe from
    /// an earlier round that ends late can neither close nor reopen the breaker.
    /// </summary>
    public long HalfOpenRound => _halfOpenRound;

    /// <summary>Whether the breaker is open on other nodes' evidence (it has no reset timeout of its own then).</summary>
    public bool FollowsCluster { get; private set; }

    /// <summary>
    /// Set by the owner from the cluster's view: another node probes the dependency while it recovers, so an open
    /// period that ends here follows the cluster rather than sending probes of its own.
    /// </summary>
    public bool ProbesElsewhere { get; set; }

    /// <summary>When the state last changed.</summary>
    public DateTimeOffset LastTransitionAt { get; private set; }

    /// <summary>When an open breaker lets its first probe through; null unless open.</summary>
    public DateTimeOffset? OpenUntil => _openUntil; // set by Trip, cleared by every move to another state (Move)

    /// <summary>Whether a call arriving now could run (without taking a probe): <see cref="BreakerBoard.Check"/>. Reading it changes nothing.</summary>
    public bool IsCallPermitted => Board.Check(_time.GetUtcNow()) == BreakerCheck.Passes;

    /// <summary>
    /// Asks to run one call now (the call's pre-execute step): an open breaker whose reset timeout has ended moves
    /// to half-open first; then the permit is taken on the <see cref="Board"/> (<see cref="BreakerBoard.TryAcquire"/>,
    /// shared with callers): at most <c>HalfOpenProbes</c> probes per half-open round.
    /// </summary>
    public BreakerPermit TryAcquire() => TryAcquire(out _);

    /// <summary>Asks to run one call now (see <see cref="TryAcquire()"/>), and says the permit's half-open round.</summary>
    /// <param name="round">The half-open round of the permit (a probe's outcome counts only in its own round).</param>
    public BreakerPermit TryAcquire(out long round)
    {
        Refresh();
        return Board.TryAcquire(out round);
    }

    /// <summary>Gives back a probe whose outcome says nothing (dropped before it started, or cut by its caller's deadline).</summary>
    /// <param name="probeRound">The <see cref="HalfOpenRound"/> when it was handed out (null: the current round).</param>
    public void ReleaseProbe(long? probeRound = null) => Board.ReturnProbe(probeRound ?? _halfOpenRound, _roundProbes);

    /// <summary>Records a call that the dependency answered.</summary>
    /// <param name="duration">How long the call ran.</param>
    /// <param name="permit">What <see cref="TryAcquire()"/> answered for it.</param>
    /// <param name="probeRound">For a probe: the <see cref="HalfOpenRound"/> when it was handed out (null: the current round).</param>
    public void RecordSuccess(TimeSpan duration, BreakerPermit permit, long? probeRound = null)
    {
        if (IsStaleProbe(permit, probeRound)) return;
        var slow = IsSlow(duration);
        switch (_state)
        {
            case BreakerState.Closed:
                _consecutiveFailures = 0;
                _window.Record(_time.GetUtcNow(), failed: false, slow);
                CheckWindow();
                break;
            case BreakerState.HalfOpen when permit == BreakerPermit.Probe:
                if (slow)
                {
                    Trip($"probe succeeded but took {duration.TotalMilliseconds:0} ms, at least the slow-call duration");
                    break;
                }
                _probeSuccesses++;
                if (_probeSuccesses >= _roundProbes)
                {
                    _trips = 0;
                    Move(BreakerState.Closed, _roundProbes == 1 ? "probe succeeded" : $"all {_roundProbes} probes succeeded");
                }
                break;
        }
    }

    /// <summary>
    /// Records calls that the dependency answered, counted on the callers' side and handed over together (as
    /// allowed calls, not probes): <paramref name="calls"/> of them, <paramref name="slow"/> of those slow.
    /// </summary>
    public void RecordSuccesses(int calls, int slow)
    {
        if (_state != BreakerState.Closed || calls <= 0) return;
        _consecutiveFailures = 0;
        _window.Record(_time.GetUtcNow(), calls, failures: 0, slow);
        CheckWindow();
    }

    /// <summary>Records a call that failed in a way that counts against the dependency (an error it handles, or a timeout).</summary>
    /// <param name="duration">How long the call ran.</param>
    /// <param name="permit">What <see cref="TryAcquire()"/> answered for it.</param>
    /// <param name="probeRound">For a probe: the <see cref="HalfOpenRound"/> when it was handed out (null: the current round).</param>
    public void RecordFailure(TimeSpan duration, BreakerPermit permit, long? probeRound = null)
    {
        if (IsStaleProbe(permit, probeRound)) return;
        switch (_state)
        {
            case BreakerState.Closed:
                _consecutiveFailures++;
                _window.Record(_time.GetUtcNow(), failed: true, IsSlow(duration));
                if (_options.FailureThreshold > 0 && _consecutiveFailures >= _options.FailureThreshold)
                    Trip($"{_consecutiveFailures} consecutive failures");
                else
                    CheckWindow();
                break;
            case BreakerState.HalfOpen when permit == BreakerPermit.Probe:
                Trip("probe failed");
                break;
        }
    }

    /// <summary>Opens a closed breaker on other nodes' evidence; it stays open, without probing, until <see cref="Release"/> or <see cref="TakeOverProbing"/>.</summary>
    /// <returns>Whether the breaker moved.</returns>
    public bool Follow(string reason)
    {
        if (_state != BreakerState.Closed) return false;
        Move(BreakerState.Open, reason, following: true);
        return true;
    }

    /// <summary>Closes a breaker that follows the cluster, or one open or half-open on its own evidence, because another node saw the dependency recover.</summary>
    /// <returns>Whether the breaker moved.</returns>
    public bool Release(string reason)
    {
        if (_state is not (BreakerState.Open or BreakerState.HalfOpen)) return false;
        _trips = 0;
        Move(BreakerState.Closed, reason);
        return true;
    }

    /// <summary>
    /// A breaker that follows the cluster becomes this node's own (this node now probes): open for the reset timeout,
    /// then half-open; or half-open at once when <paramref name="probeNow"/> (it has waited long enough already).
    /// </summary>
    /// <returns>Whether the breaker moved.</returns>
    public bool TakeOverProbing(string reason, bool probeNow = false)
    {
        if (_state != BreakerState.Open || !FollowsCluster) return false;
        _trips = 0; // its own first open period: the reset timeout
        if (probeNow) Move(BreakerState.HalfOpen, reason);
        else Trip(reason);
        return true;
    }

    /// <summary>Opens the breaker by hand; it stays open until <see cref="Reset"/>.</summary>
    public void Isolate()
    {
        if (_state != BreakerState.Isolated) Move(BreakerState.Isolated, "isolated by hand");
    }

    /// <summary>Closes the breaker by hand and forgets recent failures and trips.</summary>
    public void Reset()
    {
        _trips = 0;
        if (_state != BreakerState.Closed) Move(BreakerState.Closed, "reset by hand");
        else ClearCounts();
    }

    /// <summary>The breaker's state and counts now. Reading it changes nothing.</summary>
    public BreakerSnapshot Snapshot()
    {
        var (calls, failures, slow) = _window.Totals(_time.GetUtcNow());
        return new BreakerSnapshot(_state, _consecutiveFailures, calls, failures, slow, _trips, OpenUntil, LastTransitionAt) { FollowsCluster = FollowsCluster };
    }

    /// <summary>
    /// Moves an open breaker whose reset timeout has ended to half-open, or, while another node probes, to following
    /// the cluster. Its owner calls it when its timer for the end of the open period fires, and before a call.
    /// </summary>
    public void Refresh()
    {
        if (_state != BreakerState.Open || _openUntil is not { } until || _time.GetUtcNow() < until) return;
        if (ProbesElsewhere) Move(BreakerState.Open, "reset timeout ended; another node probes for the cluster", at: until, following: true);
        else Move(BreakerState.HalfOpen, "reset timeout ended", at: until);
    }

    private bool IsStaleProbe(BreakerPermit permit, long? probeRound) =>
        permit == BreakerPermit.Probe && probeRound is { } round && round != _halfOpenRound;

    private void CheckWindow()
    {
        var (calls, failures, slow) = _window.Totals(_time.GetUtcNow());
        if (calls < _options.MinimumThroughput) return;
        // Compare ratios, not products: 0.28 * 25 is 7.000000000000001 in floating point.
        if (_options.FailureRatio is { } ratio && (double)failures / calls >= ratio)
            Trip($"failure ratio {(double)failures / calls:0.##} over {calls} calls reached {ratio:0.##}");
        else if (_options.SlowCallDuration is not null && (double)slow / calls >= _options.SlowCallRatio)
            Trip($"slow-call ratio {(double)slow / calls:0.##} over {calls} calls reached {_options.SlowCallRatio:0.##}");
    }

    private bool IsSlow(TimeSpan duration) => _options.SlowCallDuration is { } limit && duration >= limit;

    private void Trip(string reason)
    {
        _trips++;
        var growth = Math.Pow(_options.ResetTimeoutMultiplier, _trips - 1);
        var ticks = Math.Min(_options.ResetTimeout.Ticks * growth, _options.MaxResetTimeout.Ticks);
        var openFor = TimeSpan.FromTicks((long)ticks);
        _openUntil = _time.GetUtcNow() + openFor;
        Move(BreakerState.Open, reason, openFor);
    }

    private void Move(BreakerState to, string reason, TimeSpan? openFor = null, DateTimeOffset? at = null, bool following = false)
    {
        var from = _state;
        _state = to;
        FollowsCluster = following;
        if (to != BreakerState.Open || following) _openUntil = null;
        if (to == BreakerState.HalfOpen)
        {
            _halfOpenRound++;
            _roundProbes = _options.HalfOpenProbes; // kept for the round, whatever a change of options says meanwhile
        }
        LastTransitionAt = at ?? _time.GetUtcNow();
        _probeSuccesses = 0;
        if (to is BreakerState.Closed or BreakerState.Open) ClearCounts();
        Board.Publish(to, _halfOpenRound, _roundProbes, _openUntil, LastTransitionAt);
        Transitioned?.Invoke(new BreakerTransition(from, to, reason, openFor) { FollowsCluster = following });
    }

    private void ClearCounts()
    {
        _consecutiveFailures = 0;
        _window.Clear();
    }
}
