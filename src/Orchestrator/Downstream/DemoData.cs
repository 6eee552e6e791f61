namespace Orchestrator.Node.Downstream;

/// <summary>The answers of the simulated services: made up, but the same for the same input.</summary>
public static class DemoData
{
    private static readonly ProductSummary[] Catalogue =
    [
        new("p-100", "Trail running shoes", 119.00m),
        new("p-101", "Merino base layer", 69.50m),
        new("p-102", "Ultralight tent", 349.00m),
        new("p-103", "Headlamp 400 lm", 39.90m),
        new("p-104", "Insulated bottle", 24.00m),
        new("p-105", "Down jacket", 229.00m),
        new("p-106", "Trekking poles", 89.00m),
        new("p-107", "Camp stove", 59.00m),
        new("p-108", "Sleeping pad", 99.00m),
        new("p-109", "Rain shell", 179.00m),
    ];

    private static readonly string[] Names = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Edsger", "Frances"];
    private static readonly string[] Tiers = ["standard", "silver", "gold"];

    /// <summary>The profile of <paramref name="userId"/>, as <paramref name="servedBy"/> knows it at <paramref name="asOf"/>.</summary>
    public static UserProfile Profile(string userId, string servedBy, DateTimeOffset asOf) =>
        new(userId, $"{Names[Hash(userId) % Names.Length]} ({userId})", Tiers[Hash(userId) % Tiers.Length], "en-GB", servedBy, asOf);

    /// <summary>Four products chosen for <paramref name="userId"/>.</summary>
    public static RecommendationList Recommendations(string userId)
    {
        var start = Hash(userId) % Catalogue.Length;
        var items = Enumerable.Range(0, 4).Select(i => Catalogue[(start + i * 3) % Catalogue.Length]).ToList();
        return new RecommendationList(userId, "personalised", items);
    }

    /// <summary>The products everyone buys: the static fallback when personalised recommendations are unavailable.</summary>
    public static RecommendationList PopularItems(string userId) => new(userId, "popular", [Catalogue[0], Catalogue[5], Catalogue[8]]);

    /// <summary>The unread notifications of <paramref name="userId"/>.</summary>
    public static NotificationList Notifications(string userId)
    {
        var count = 1 + Hash(userId) % 3;
        var at = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        var items = Enumerable.Range(1, count)
            .Select(i => new Notification($"n-{userId}-{i}", i == 1 ? "Your order has shipped." : $"A product on your wish list is {10 * i}% off.", at.AddHours(i)))
            .ToList();
        return new NotificationList(userId, items);
    }

    /// <summary>The price of <paramref name="productId"/>: the catalogue's, or 25.00 for a product not in it.</summary>
    public static decimal PriceOf(string productId) =>
        Array.Find(Catalogue, p => p.ProductId == productId)?.Price ?? 25.00m;

    /// <summary>
    /// Whether <paramref name="productId"/> can name a product: 1 to 64 letters, digits, '-', '_' or '.'. Any such id
    /// is a product of the demo (its stock and reviews are made up from it); the simulated services answer 404 to others.
    /// </summary>
    public static bool IsProductId(string productId) =>
        productId.Length is >= 1 and <= 64 && productId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The stock of <paramref name="productId"/>.</summary>
    public static StockLevel Stock(string productId) => new(productId, Hash(productId) % 50);

    /// <summary>The reviews of <paramref name="productId"/>.</summary>
    public static ReviewList Reviews(string productId)
    {
        var h = Hash(productId);
        Review[] reviews =
        [
            new(Names[h % Names.Length], 3 + h % 3, "Does what it says."),
            new(Names[(h + 3) % Names.Length], 4 + h % 2, "Would buy again."),
        ];
        return new ReviewList(productId, reviews.Average(r => r.Rating), reviews);
    }

    /// <summary>A stable, non-negative hash (string.GetHashCode differs between processes).</summary>
    private static int Hash(string text)
    {
        unchecked
        {
            var h = (int)2166136261;
            foreach (var c in text) h = (h ^ c) * 16777619;
            return h & int.MaxValue;
        }
    }
}
