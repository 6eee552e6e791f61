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

    /// <summary>The most <see cref="WarmUpRounds"/> may be.</summary>
    public const int MaxWarmUpRounds = 100;

    /// <summary>
    /// Before it says it is ready, the node sends its own shop this many rounds of requests (homepage, product page, a
    /// refused checkout, an unknown order, the status), so that its first real request is as fast as its hundredth; 0
    /// turns the warm-up off. Default 3.
    /// </summary>
    public int WarmUpRounds { get; set; } = 3;

    /// <summary>The most <see cref="OrderSnapshotEvery"/> may be.</summary>
    public const int MaxOrderSnapshotEvery = 1_000_000;

    /// <summary>
    /// The order book saves a snapshot of itself every this many events (and at start when it read that many), so that
    /// a start reads the snapshot and the events after it, not the whole history. In a book of more than four times
    /// this many orders, every quarter of the book's size in events instead (a snapshot costs the size of the book).
    /// Default 1000.
    /// </summary>
    public int OrderSnapshotEvery { get; set; } = 1000;

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting.</summary>
    public void Validate(List<string> errors)
    {
        if (HomeDeadline < MinDeadline || HomeDeadline > MaxDeadline)
            errors.Add($"{SectionName}:HomeDeadline must be between {MinDeadline.TotalMilliseconds:0} ms and {MaxDeadline.TotalSeconds:0} s " +
                $"(like 00:00:00.800), not {HomeDeadline}.");
        if (WarmUpRounds is < 0 or > MaxWarmUpRounds)
            errors.Add($"{SectionName}:WarmUpRounds must be a whole number from 0 (no warm-up) to {MaxWarmUpRounds}, not {WarmUpRounds}.");
        if (OrderSnapshotEvery is < 1 or > MaxOrderSnapshotEvery)
            errors.Add($"{SectionName}:OrderSnapshotEvery must be a whole number from 1 to {MaxOrderSnapshotEvery}, not {OrderSnapshotEvery}.");
        if (PaymentRecoveryInterval < MinRecoveryInterval || PaymentRecoveryInterval > MaxRecoveryInterval)
            errors.Add($"{SectionName}:PaymentRecoveryInterval must be between {MinRecoveryInterval.TotalSeconds:0} s and " +
                $"{MaxRecoveryInterval.TotalHours:0} h (like 00:00:30), not {PaymentRecoveryInterval}.");
    }
}
