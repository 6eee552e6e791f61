using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop;

/// <summary>The shop's homepage for one user; <c>Degraded</c> is true when any section is not served.</summary>
public sealed record HomePage(
    string UserId,
    bool Degraded,
    PageSection<UserProfile> Profile,
    PageSection<RecommendationList> Recommendations,
    PageSection<NotificationList> Notifications);
