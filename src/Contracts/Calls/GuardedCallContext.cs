namespace Orchestrator.Contracts;

/// <summary>
/// The deadline of the guarded call whose work is running on this async flow. A <see cref="GuardedCall"/> built
/// inside that work takes it as its own deadline unless it sets one, so an absolute deadline travels through
/// every nested call without being passed by hand. Code that calls out over the network can send it on too
/// (the demo node sends it as the <c>X-Deadline</c> header).
/// </summary>
public static class GuardedCallContext
{
    private static readonly AsyncLocal<DateTimeOffset?> Current = new();

    /// <summary>The deadline of the enclosing guarded call, if any.</summary>
    public static DateTimeOffset? Deadline => Current.Value;

    /// <summary>Sets the deadline for the rest of this async flow (the dependency actor does this before running work).</summary>
    public static void Enter(DateTimeOffset? deadline) => Current.Value = deadline;
}
