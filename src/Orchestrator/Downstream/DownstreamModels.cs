namespace Orchestrator.Node.Downstream;

// The wire types of the simulated downstream services (what they answer and what they accept).

/// <summary>A user's profile (service <c>profile</c>, or its read replica <c>profile-replica</c>).</summary>
/// <param name="ServedBy">The service that answered: <c>profile</c>, or <c>profile-replica</c>.</param>
/// <param name="AsOf">How current the data is: now for the primary, now minus the replica's lag for the replica.</param>
public sealed record UserProfile(string UserId, string DisplayName, string MembershipTier, string Locale, string ServedBy, DateTimeOffset AsOf);

/// <summary>A product as listed on a page.</summary>
public sealed record ProductSummary(string ProductId, string Name, decimal Price);

/// <summary>Products suggested to a user (service <c>recommendations</c>); <c>Kind</c> is "personalised" or "popular".</summary>
public sealed record RecommendationList(string UserId, string Kind, IReadOnlyList<ProductSummary> Items);

/// <summary>One notification for a user.</summary>
public sealed record Notification(string Id, string Text, DateTimeOffset CreatedAt);

/// <summary>A user's unread notifications (service <c>notifications</c>).</summary>
public sealed record NotificationList(string UserId, IReadOnlyList<Notification> Items);

/// <summary>A request to charge an order (service <c>payments</c>).</summary>
public sealed record ChargeRequest(string OrderId, decimal Amount, string Currency);

/// <summary>A charge that went through.</summary>
public sealed record ChargeReceipt(string ChargeId, string OrderId, decimal Amount, string Currency, string Status);

/// <summary>The charges the payments service recorded for one order.</summary>
public sealed record OrderCharges(string OrderId, IReadOnlyList<RecordedCharge> Charges);

/// <summary>A request to hold stock (service <c>inventory</c>).</summary>
public sealed record ReservationRequest(string ProductId, int Quantity);

/// <summary>Stock held for an order.</summary>
public sealed record Reservation(string ReservationId, string ProductId, int Quantity, DateTimeOffset ExpiresAt);

/// <summary>A release of stock held: <c>released</c>, or <c>not-held</c> (released already, expired, or unknown).</summary>
public sealed record ReservationReleased(string ReservationId, string Status);

/// <summary>How many of a product are in stock (service <c>inventory</c>).</summary>
public sealed record StockLevel(string ProductId, int Available);

/// <summary>The answer of a simulated service's health endpoint (what the orchestrator's health probe of it reads).</summary>
public sealed record ServiceHealth(string Service, string Status);

/// <summary>One review of a product.</summary>
public sealed record Review(string Author, int Rating, string Text);

/// <summary>A product's reviews (service <c>reviews</c>).</summary>
public sealed record ReviewList(string ProductId, double AverageRating, IReadOnlyList<Review> Reviews);
