using Akka.Actor;

namespace Orchestrator.Contracts;

/// <summary>
/// A call to a dependency, guarded by that dependency's breaker, bulkhead and timeout. Send it to the dependencies
/// actor (tell or ask) or through <c>IGuardedCalls</c>; the answer is an <see cref="ICallResult"/>
/// (<see cref="CallResult{T}"/> for a <see cref="GuardedCall{T}"/>).
/// </summary>
/// <remarks>
/// This non-generic base lets an actor handle calls of every result type; callers build a
/// <see cref="GuardedCall{T}"/>. Properties validate their values when set, so a bad call fails where it is
/// built, with the name of the bad argument.
/// </remarks>
public abstract record GuardedCall
{
    private protected GuardedCall(string dependency)
    {
        if (string.IsNullOrWhiteSpace(dependency))
            throw new ArgumentException("A guarded call needs the name of a dependency.", nameof(dependency));
        Dependency = dependency;
    }

    /// <summary>A copy of <paramref name="original"/> (for <c>with</c>): what few calls set is copied, never shared.</summary>
    protected GuardedCall(GuardedCall original)
    {
        ArgumentNullException.ThrowIfNull(original);
        Dependency = original.Dependency;
        Key = original.Key;
        Tier = original.Tier;
        _deadlineTicks = original._deadlineTicks;
        _traceParent = original._traceParent;
        _extras = original._extras?.Copy();
    }

    /// <summary>The longest timeout a call or a dependency may have.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>The name of the dependency to call, as declared in the orchestrator options.</summary>
    public string Dependency { get; }

    /// <summary>
    /// What is asked for (a user id, a product id); used by the dependency's cache and single flight, together
    /// with the result type. Two calls with the same key and result type on one dependency must ask the same
    /// question: include the operation when a dependency answers several ("profile:42", "settings:42").
    /// </summary>
    public string? Key { get; init; }

    /// <summary>
    /// The most one attempt may run, and the most the call may wait in the bulkhead queue. When null the
    /// dependency's default timeout applies.
    /// </summary>
    public TimeSpan? Timeout
    {
        get => _extras is { TimeoutTicks: not 0 } e ? new TimeSpan(e.TimeoutTicks) : null;
        init
        {
            if (value is { } t && (t <= TimeSpan.Zero || t > MaxTimeout))
                throw new ArgumentOutOfRangeException(nameof(Timeout), t, $"Timeout must be positive and at most {MaxTimeout}.");
            Extras.TimeoutTicks = value?.Ticks ?? 0;
        }
    }

    // One call is built for every call, so it is kept as small as it can be (72 bytes): the deadline as ticks
    // (0: none), the caller's span as a reference, and what few calls set in one object apart (none for a plain call).
    private long _deadlineTicks = GuardedCallContext.Deadline is { } inherited ? inherited.UtcTicks + 1 : 0;
    private object? _traceParent = System.Diagnostics.Activity.Current;
    private CallExtras? _extras;

    /// <summary>What few calls set, made when the first of it is set (only while the call is built: a call never changes after).</summary>
    private protected CallExtras Extras => _extras ??= new CallExtras();

    /// <summary>What few calls set, if any.</summary>
    private protected CallExtras? ExtrasOrNull => _extras;

    /// <summary>
    /// An absolute point in time after which the answer is useless. No work starts after it, queued work is
    /// dropped at it, and running work is cancelled at it. A deadline already past is rejected with
    /// <see cref="DegradationReason.DeadlineExceeded"/>. Defaults to the deadline of the guarded call whose work
    /// builds this one (<see cref="GuardedCallContext"/>), so deadlines travel through nested calls.
    /// </summary>
    /// <remarks>Kept as an instant: it reads back in UTC.</remarks>
    public DateTimeOffset? Deadline
    {
        get => _deadlineTicks == 0 ? null : new DateTimeOffset(_deadlineTicks - 1, TimeSpan.Zero);
        init => _deadlineTicks = value is { } d ? d.UtcTicks + 1 : 0;
    }

    /// <summary>
    /// Per call: whether an exception of the work counts as a failure of the dependency (feeds its breaker, may be
    /// retried, goes down the fallback chain). When it says no, the exception is the caller's problem: the call
    /// is answered <c>Failed</c> with it, without retry or fallback, and the breaker records nothing. Null: the
    /// dependency's rule (<c>Breaker.ShouldHandle</c>, its exception lists, and the defaults). Timeouts always count.
    /// </summary>
    public abstract Func<Exception, bool>? ShouldHandle { get; init; }

    /// <summary>How much the call matters under stress.</summary>
    public Tier Tier { get; init; } = Tier.Important;

    /// <summary>The feature this call serves, if any (for feature flags and logs).</summary>
    public string? Feature
    {
        get => _extras?.Feature;
        init => Extras.Feature = value;
    }

    /// <summary>
    /// The caller's span when the call was built (<see cref="System.Diagnostics.Activity.Current"/> then, if any): the
    /// parent of the call's own span when it is sent from where no span is current (through an actor, say).
    /// </summary>
    public System.Diagnostics.ActivityContext TraceParent
    {
        get => _traceParent switch
        {
            System.Diagnostics.Activity span => span.Context,
            System.Diagnostics.ActivityContext context => context,
            _ => default,
        };
        init => _traceParent = value == default ? null : value;
    }

    /// <summary>Where to send the result; when null the result goes to the sender of the message.</summary>
    public IActorRef? ReplyTo
    {
        get => _extras?.ReplyTo;
        init => Extras.ReplyTo = value;
    }

    /// <summary>The type of the value the work produces.</summary>
    public abstract Type ResultType { get; }

    /// <summary>Whether the call carries its own fallback.</summary>
    public abstract bool HasFallback { get; }

    /// <summary>Runs the work. Called by the dependency actor, off its own thread.</summary>
    internal abstract Task<object?> InvokeAsync(CancellationToken cancellationToken);

    /// <summary>Runs the work as <paramref name="wrapper"/> has it run (an injected fault); the work itself when null.</summary>
    internal abstract Task<object?> InvokeAsync(IWorkWrapper? wrapper, CancellationToken cancellationToken);

    /// <summary>Whether the call can be sent to the dependency's replica (it carries replica work).</summary>
    public abstract bool HasReplicaWork { get; }

    /// <summary>The same call for <paramref name="replica"/>, running the replica work, with the same key, deadline and tier.</summary>
    internal abstract GuardedCall ForReplica(string replica);

    /// <summary>Runs the call's fallback. Called by the dependency actor, off its own thread.</summary>
    internal abstract Task<object?> InvokeFallbackAsync(FallbackContext context, CancellationToken cancellationToken);

    /// <summary>Builds the typed result message for this call.</summary>
    internal abstract ICallResult ToResult(CallReport report);

    /// <summary>
    /// Whether the work's answer <paramref name="value"/> counts as a failure by this call's own
    /// <c>ShouldHandleResult</c>; null when the call has none (the dependency's rule applies).
    /// </summary>
    internal abstract bool? CountsAsFailure(object? value);

    /// <summary>Runs this call through <paramref name="entry"/>'s typed entry and returns its result.</summary>
    internal abstract Task<ICallResult> CallThrough(IDependencyEntry entry, TimeSpan? wait, CancellationToken cancellationToken);

    /// <summary>Runs this call through <paramref name="entry"/>'s typed entry; the result is told to <paramref name="replyTo"/>.</summary>
    internal abstract void TellThrough(IDependencyEntry entry, IActorRef replyTo);

    /// <summary>Each call is itself: two calls are equal only if they are the same message.</summary>
    public virtual bool Equals(GuardedCall? other) => ReferenceEquals(this, other);

    /// <inheritdoc />
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}

/// <summary>A guarded call whose work produces a <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The type of the dependency's answer.</typeparam>
public sealed record GuardedCall<T> : GuardedCall
{
    /// <summary>Creates a call of <paramref name="dependency"/> that runs <paramref name="work"/>.</summary>
    /// <param name="dependency">The declared name of the dependency.</param>
    /// <param name="work">The work; it receives a token that is cancelled at the timeout or deadline, and should honour it.</param>
    public GuardedCall(string dependency, Func<CancellationToken, Task<T>> work) : base(dependency)
    {
        Work = work ?? throw new ArgumentNullException(nameof(work), "A guarded call needs work to run.");
    }

    /// <summary>The work to run against the dependency.</summary>
    public Func<CancellationToken, Task<T>> Work { get; }

    /// <summary>Produces an answer when the dependency cannot: told why, and given a token cancelled at the deadline.</summary>
    public Func<FallbackContext, CancellationToken, Task<T>>? Fallback
    {
        get => (Func<FallbackContext, CancellationToken, Task<T>>?)ExtrasOrNull?.Fallback;
        init => Extras.Fallback = value;
    }

    /// <summary>
    /// The same question asked of the dependency's replica or alternate provider (declared by the dependency's
    /// <c>Replica</c> option). Run as a guarded call of that dependency when the primary cannot answer.
    /// </summary>
    public Func<CancellationToken, Task<T>>? ReplicaWork
    {
        get => (Func<CancellationToken, Task<T>>?)ExtrasOrNull?.ReplicaWork;
        init => Extras.ReplicaWork = value;
    }

    /// <inheritdoc />
    public override Func<Exception, bool>? ShouldHandle
    {
        get => ExtrasOrNull?.ShouldHandle;
        init => Extras.ShouldHandle = value;
    }

    /// <summary>
    /// Per call: whether an answer of the work counts as a failure of the dependency (an error page returned as a
    /// value, say), like Polly's result predicates. Such an answer feeds the breaker, may be retried and goes down
    /// the fallback chain; its error is a <see cref="FailedResultException"/>. Null: the dependency's rule
    /// (<c>Breaker.ShouldHandleResult</c>), and by default every answer is a success.
    /// </summary>
    public Func<T, bool>? ShouldHandleResult
    {
        get => (Func<T, bool>?)ExtrasOrNull?.ShouldHandleResult;
        init => Extras.ShouldHandleResult = value;
    }

    /// <inheritdoc />
    public override Type ResultType => typeof(T);

    /// <inheritdoc />
    public override bool HasFallback => Fallback is not null;

    /// <inheritdoc />
    public override bool HasReplicaWork => ReplicaWork is not null;

    /// <inheritdoc />
    internal override GuardedCall ForReplica(string replica) =>
        new GuardedCall<T>(replica, ReplicaWork ?? throw new InvalidOperationException($"The call to '{Dependency}' has no replica work."))
        {
            Key = Key,
            Deadline = Deadline,
            Tier = Tier,
            Feature = Feature,
            ShouldHandle = ShouldHandle,
            ShouldHandleResult = ShouldHandleResult,
        };

    /// <inheritdoc />
    internal override async Task<object?> InvokeAsync(CancellationToken cancellationToken) =>
        await Work(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    internal override async Task<object?> InvokeAsync(IWorkWrapper? wrapper, CancellationToken cancellationToken) =>
        await (wrapper is null ? Work : wrapper.Wrap(Work))(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    internal override async Task<object?> InvokeFallbackAsync(FallbackContext context, CancellationToken cancellationToken)
    {
        if (Fallback is null)
            throw new InvalidOperationException($"The call to '{Dependency}' has no fallback.");
        return await Fallback(context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns a copy whose fallback always answers <paramref name="value"/>.</summary>
    public GuardedCall<T> WithFallbackValue(T value) => this with { Fallback = (_, _) => Task.FromResult(value) };

    /// <inheritdoc />
    internal override ICallResult ToResult(CallReport report) => new CallResult<T>(Dependency, report);

    /// <inheritdoc />
    internal override bool? CountsAsFailure(object? value) =>
        ShouldHandleResult is { } predicate ? predicate(value is T typed ? typed : default!) : null;

    /// <inheritdoc />
    internal override async Task<ICallResult> CallThrough(IDependencyEntry entry, TimeSpan? wait, CancellationToken cancellationToken) =>
        await entry.CallAsync(this, wait, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    internal override void TellThrough(IDependencyEntry entry, IActorRef replyTo) => entry.Tell(this, replyTo);

    /// <summary>Each call is itself: two calls are equal only if they are the same message.</summary>
    public bool Equals(GuardedCall<T>? other) => ReferenceEquals(this, other);

    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();
}
