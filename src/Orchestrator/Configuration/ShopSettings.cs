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

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting.</summary>
    public void Validate(List<string> errors)
    {
        if (HomeDeadline < MinDeadline || HomeDeadline > MaxDeadline)
            errors.Add($"{SectionName}:HomeDeadline must be between {MinDeadline.TotalMilliseconds:0} ms and {MaxDeadline.TotalSeconds:0} s " +
                $"(like 00:00:00.800), not {HomeDeadline}.");
    }
}
