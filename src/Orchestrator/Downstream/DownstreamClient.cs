using System.Net.Http.Json;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// Calls the simulated downstream services over HTTP (a typed client from <c>IHttpClientFactory</c>). An error
/// status throws <see cref="DownstreamException"/>; cancelling the token aborts the request. Guarded calls wrap
/// these methods; nothing here retries or falls back.
/// </summary>
public sealed class DownstreamClient(HttpClient http, DownstreamBaseAddress baseAddress)
{
    public Task<UserProfile> GetProfileAsync(string userId, CancellationToken ct) =>
        GetAsync<UserProfile>(DemoServices.Profile, $"downstream/profile/{Escape(userId)}", ct);

    public Task<RecommendationList> GetRecommendationsAsync(string userId, CancellationToken ct) =>
        GetAsync<RecommendationList>(DemoServices.Recommendations, $"downstream/recommendations/{Escape(userId)}", ct);

    public Task<NotificationList> GetNotificationsAsync(string userId, CancellationToken ct) =>
        GetAsync<NotificationList>(DemoServices.Notifications, $"downstream/notifications/{Escape(userId)}", ct);

    public Task<ChargeReceipt> ChargeAsync(ChargeRequest charge, CancellationToken ct) =>
        PostAsync<ChargeRequest, ChargeReceipt>(DemoServices.Payments, "downstream/payments/charges", charge, ct);

    public Task<Reservation> ReserveAsync(ReservationRequest reservation, CancellationToken ct) =>
        PostAsync<ReservationRequest, Reservation>(DemoServices.Inventory, "downstream/inventory/reservations", reservation, ct);

    public Task<StockLevel> GetStockAsync(string productId, CancellationToken ct) =>
        GetAsync<StockLevel>(DemoServices.Inventory, $"downstream/inventory/stock/{Escape(productId)}", ct);

    public Task<ReviewList> GetReviewsAsync(string productId, CancellationToken ct) =>
        GetAsync<ReviewList>(DemoServices.Reviews, $"downstream/reviews/{Escape(productId)}", ct);

    private async Task<T> GetAsync<T>(string service, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(baseAddress.Get(), path), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        return await ReadAsync<T>(service, response, ct).ConfigureAwait(false);
    }

    private async Task<TResponse> PostAsync<TRequest, TResponse>(string service, string path, TRequest body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri(baseAddress.Get(), path), body, ct).ConfigureAwait(false);
        return await ReadAsync<TResponse>(service, response, ct).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(string service, HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new DownstreamException(service, response.StatusCode, text.Length > 300 ? text[..300] : text);
        }
        return await response.Content.ReadFromJsonAsync<T>(ct).ConfigureAwait(false)
            ?? throw new DownstreamException(service, response.StatusCode, "an empty body");
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
