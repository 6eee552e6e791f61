namespace Orchestrator.Node.Configuration;

/// <summary>
/// The demo shop's settings; section <c>Shop</c> (<c>--Shop:HomeDeadline=00:00:01</c>,
/// <c>Shop__HomeDeadline=00:00:01</c>).
/// </summary>
public sealed class ShopSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop";

    /// <summary>The shortest deadline a page may be given: 1 ms.</summary>
    public static readonly TimeSpan MinDeadline = TimeSpan.FromMilliseconds(1);

    /// <summary>The longest deadline a page may be given: 10 s.</summary>
    public static readonly TimeSpan MaxDeadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the homepage may take when the request does not say (<c>?deadlineMs=</c>): its parts run in
    /// parallel under this one deadline, and whatever has not answered by then is left out. Default 800 ms.
    /// </summary>
    public TimeSpan HomeDeadline { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>The shortest interval of the payment recovery: 1 s.</summary>
    public static readonly TimeSpan MinRecoveryInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest interval of the payment recovery: 1 hour.</summary>
    public static readonly TimeSpan MaxRecoveryInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// How often the payment recovery looks for unpaid orders whose charge was never queued (the node stopped, or
    /// the queue refused, between storing the order and queueing its charge), and queues their charge. At start it
    /// takes every such order placed before the start; then, every interval, those placed more than an interval
    /// ago. Default 30 s.
    /// </summary>
    public TimeSpan PaymentRecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting.</summary>
    public void Validate(List<string> errors)
    {
        if (HomeDeadline < MinDeadline || HomeDeadline > MaxDeadline)
            errors.Add($"{SectionName}:HomeDeadline must be between {MinDeadline.TotalMilliseconds:0} ms and {MaxDeadline.TotalSeconds:0} s " +
                $"(like 00:00:00.800), not {HomeDeadline}.");
        if (PaymentRecoveryInterval < MinRecoveryInterval || PaymentRecoveryInterval > MaxRecoveryInterval)
            errors.Add($"{SectionName}:PaymentRecoveryInterval must be between {MinRecoveryInterval.TotalSeconds:0} s and " +
                $"{MaxRecoveryInterval.TotalHours:0} h (like 00:00:30), not {PaymentRecoveryInterval}.");
    }
}
