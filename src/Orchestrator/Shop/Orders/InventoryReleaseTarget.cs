using Orchestrator.Contracts;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop.Orders;

/// <summary>
/// Delivers queued stock releases (after a failed payment): releases the reservation named by the payload through
/// the inventory service. Releasing is idempotent there, so a repeated delivery is harmless.
/// </summary>
public sealed class InventoryReleaseTarget(IServiceProvider services) : IWriteTarget
{
    /// <inheritdoc />
    public string Name => DemoServices.Inventory;

    /// <inheritdoc />
    public Task ApplyAsync(QueuedWrite write, CancellationToken cancellationToken) =>
        services.GetRequiredService<DownstreamClient>().ReleaseAsync(write.Payload, cancellationToken);
}
