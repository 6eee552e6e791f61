using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop;

/// <summary>
/// The shop's homepage for one user, composed under one deadline; <c>Degraded</c> is true when any section is not
/// served.
/// </summary>
/// <param name="UserId">Whose page it is.</param>
/// <param name="Degraded">Whether any section is degraded or omitted.</param>
/// <param name="DeadlineMs">The time the page was given (the <c>deadlineMs</c> query parameter, else <c>Shop:HomeDeadline</c>).</param>
/// <param name="Deadline">The absolute deadline its calls ran under (UTC).</param>
/// <param name="ElapsedMs">How long the page took to compose.</param>
/// <param name="Profile">The user's profile (CRITICAL: without it the page is not served).</param>
/// <param name="Recommendations">Products for the user (OPTIONAL): personalised, cached, or popular.</param>
/// <param name="Notifications">The user's unread notifications (OPTIONAL).</param>
public sealed record HomePage(
    string UserId,
    bool Degraded,
    double DeadlineMs,
    DateTimeOffset Deadline,
    double ElapsedMs,
    PageSection<UserProfile> Profile,
    PageSection<RecommendationList> Recommendations,
    PageSection<NotificationList> Notifications);
