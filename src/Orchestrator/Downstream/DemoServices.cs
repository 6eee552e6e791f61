namespace Orchestrator.Node.Downstream;

/// <summary>The names of the simulated downstream services; each is also a dependency the orchestrator guards.</summary>
public static class DemoServices
{
    public const string Profile = "profile";
    /// <summary>A read replica of <see cref="Profile"/>: the same data, possibly lagging; the profile call's replica step.</summary>
    public const string ProfileReplica = "profile-replica";
    public const string Recommendations = "recommendations";
    public const string Notifications = "notifications";
    public const string Payments = "payments";
    public const string Inventory = "inventory";
    public const string Reviews = "reviews";

    /// <summary>All seven, in the order they are shown.</summary>
    public static readonly IReadOnlyList<string> All = [Profile, ProfileReplica, Recommendations, Notifications, Payments, Inventory, Reviews];

    /// <summary>The place of <paramref name="name"/> in <see cref="All"/>; -1 when it is not a demo service.</summary>
    public static int Order(string name)
    {
        for (var i = 0; i < All.Count; i++)
            if (All[i] == name) return i;
        return -1;
    }
}
