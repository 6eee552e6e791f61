using Orchestrator.WriteQueue;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Lifecycle;

/// <summary>What the node keeps on disk: the write queue's journal (when it is a SQLite file of its own) and the payments ledger.</summary>
internal static class NodeStorage
{
    /// <summary>The files the node writes to, for readiness's disk-room check.</summary>
    public static StoragePaths Paths(WriteQueueOptions writeQueue, PaymentLedger ledger)
    {
        var files = new List<(string What, string File)>();
        if (writeQueue.IsSqlite && string.IsNullOrWhiteSpace(writeQueue.ConnectionString)) files.Add(("journal", writeQueue.EffectiveDatabasePath));
        files.Add(("payments ledger", ledger.Path));
        return new StoragePaths(files);
    }

    /// <summary>The simulated payments service's durable ledger; a file that cannot be opened stops the node, naming the setting.</summary>
    public static PaymentLedger OpenPaymentLedger(DownstreamSettings downstream, WriteQueueOptions writeQueue)
    {
        var path = downstream.EffectivePaymentsDatabasePath(writeQueue);
        try
        {
            return PaymentLedger.Open(path, TimeProvider.System);
        }
        catch (PaymentLedgerException e)
        {
            var setting = string.IsNullOrWhiteSpace(downstream.PaymentsDatabasePath)
                ? $"{DownstreamSettings.SectionName}:PaymentsDatabasePath (not set; the default beside the write queue)"
                : $"{DownstreamSettings.SectionName}:PaymentsDatabasePath";
            throw new NodeConfigurationException([$"{setting}: {e.Message}"]);
        }
    }
}
