using Orchestrator.Contracts;

namespace Orchestrator.Node.Downstream;

/// <summary>
/// Calls the simulated downstream services over HTTP (a typed client from <c>IHttpClientFactory</c>). Each request
/// carries the ambient deadline of the guarded call it runs in (<see cref="GuardedCallContext.Deadline"/>) as the
/// <c>X-Deadline</c> header, so the service can give up when its answer would come too late. An error status throws
/// <see cref="DownstreamException"/> (<see cref="DownstreamDeadlineException"/> for a 504 because the deadline had
/// passed); cancelling the token aborts the request. Guarded calls wrap these methods; nothing here retries or
/// falls back.
/// </summary>
public sealed class DownstreamClient(HttpClient http, DownstreamBaseAddress baseAddress, TimeProvider time)
{
    /// <summary>How long past the deadline a request told "deadline passed" waits for its guarded call to be cut off.</summary>
    public static readonly TimeSpan DeadlineGrace = TimeSpan.FromMilliseconds(100);

    public Task<UserProfile> GetProfileAsync(string userId, CancellationToken ct) =>
        GetAsync<UserProfile>(DemoServices.Profile, $"downstream/profile/{Escape(userId)}", ct);

    /// <summary>The same question as <see cref="GetProfileAsync"/>, asked of the read replica.</summary>
    public Task<UserProfile> GetProfileFromReplicaAsync(string userId, CancellationToken ct) =>
        GetAsync<UserProfile>(DemoServices.ProfileReplica, $"downstream/profile-replica/{Escape(userId)}", ct);

    public Task<RecommendationList> GetRecommendationsAsync(string userId, CancellationToken ct) =>
        GetAsync<RecommendationList>(DemoServices.Recommendations, $"downstream/recommendations/{Escape(userId)}", ct);

    public Task<NotificationList> GetNotificationsAsync(string userId, CancellationToken ct) =>
        GetAsync<NotificationList>(DemoServices.Notifications, $"downstream/notifications/{Escape(userId)}", ct);

    /// <summary>Charges an order; a repeat with the same <paramref name="idempotencyKey"/> is applied once by the payments service.</summary>
    public Task<ChargeReceipt> ChargeAsync(ChargeRequest charge, string? idempotencyKey, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress.Get(), "downstream/payments/charges")) { Content = JsonContent.Create(charge) };
        if (!string.IsNullOrEmpty(idempotencyKey)) request.Headers.Add(PaymentLedger.IdempotencyHeader, idempotencyKey);
        return SendAsync<ChargeReceipt>(DemoServices.Payments, request, ct);
    }

    /// <summary>The charges the payments service recorded for <paramref name="orderId"/>.</summary>
    public Task<OrderCharges> GetChargesAsync(string orderId, CancellationToken ct) =>
        GetAsync<OrderCharges>(DemoServices.Payments, $"downstream/payments/charges?orderId={Escape(orderId)}", ct);

    public Task<Reservation> ReserveAsync(ReservationRequest reservation, CancellationToken ct) =>
        PostAsync<ReservationRequest, Reservation>(DemoServices.Inventory, "downstream/inventory/reservations", reservation, ct);

    /// <summary>Releases the stock held by <paramref name="reservationId"/> (again is harmless).</summary>
    public Task<ReservationReleased> ReleaseAsync(string reservationId, CancellationToken ct) =>
        SendAsync<ReservationReleased>(DemoServices.Inventory,
            new HttpRequestMessage(HttpMethod.Delete, new Uri(baseAddress.Get(), $"downstream/inventory/reservations/{Escape(reservationId)}")), ct);

    public Task<StockLevel> GetStockAsync(string productId, CancellationToken ct) =>
        GetAsync<StockLevel>(DemoServices.Inventory, $"downstream/inventory/stock/{Escape(productId)}", ct);

    public Task<ReviewList> GetReviewsAsync(string productId, CancellationToken ct) =>
        GetAsync<ReviewList>(DemoServices.Reviews, $"downstream/reviews/{Escape(productId)}", ct);

    /// <summary>
    /// The cheap health call of <paramref name="service"/> (one of <see cref="DemoServices.All"/>): it passes through the
    /// service's chaos like its real calls, so it throws while an outage or errors are injected there.
    /// </summary>
    public Task<ServiceHealth> CheckHealthAsync(string service, CancellationToken ct) =>
        GetAsync<ServiceHealth>(service, $"downstream/health/{Escape(service)}", ct);

    private Task<T> GetAsync<T>(string service, string path, CancellationToken ct) =>
        SendAsync<T>(service, new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress.Get(), path)), ct);

    private Task<TResponse> PostAsync<TRequest, TResponse>(string service, string path, TRequest body, CancellationToken ct) =>
        SendAsync<TResponse>(service, new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress.Get(), path)) { Content = JsonContent.Create(body) }, ct);

    private async Task<T> SendAsync<T>(string service, HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            if (GuardedCallContext.Deadline is { } deadline) request.Headers.Add(DeadlineHeaders.Name, DeadlineHeaders.Format(deadline));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            return await ReadAsync<T>(service, response, ct).ConfigureAwait(false);
        }
    }

    private async Task<T> ReadAsync<T>(string service, HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = ErrorText(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            if (response.Headers.Contains(DeadlineHeaders.Exceeded))
            {
                // The service gave up because the deadline passed. The guarded call this runs in is cut off at that
                // same deadline by the orchestrator's own timer, which may tick a few milliseconds later: wait for it
                // (the token is cancelled then), so the call ends as DeadlineExceeded and not as an error.
                if (GuardedCallContext.Deadline is { } deadline && deadline + DeadlineGrace - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
                    await Task.Delay(wait, time, ct).ConfigureAwait(false);
                throw new DownstreamDeadlineException(service, text);
            }
            throw new DownstreamException(service, response.StatusCode, text);
        }
        return await response.Content.ReadFromJsonAsync<T>(ct).ConfigureAwait(false)
            ?? throw new DownstreamException(service, response.StatusCode, "an empty body");
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>What an error answer says: its <c>error</c> sentence when it is the services' JSON error, else its text; at most 300 characters.</summary>
    internal static string ErrorText(string body)
    {
        var text = body;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == System.Text.Json.JsonValueKind.String)
                text = error.GetString()!;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: the text as it is.
        }
        return text.Length <= 300 ? text : text[..300];
    }
}
