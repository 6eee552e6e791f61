namespace Orchestrator.Node.Configuration;

/// <summary>
/// Where the guarded calls find the simulated downstream services, and how far the simulated read replica lags;
/// section <c>Downstream</c>. By default the services are served by this node's stand-in server, on loopback only
/// (<see cref="Port"/>), never on the node's public address.
/// </summary>
public sealed class DownstreamSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Downstream";

    /// <summary>The base URL of the simulated services, like <c>http://127.0.0.1:5090/</c>. Default: this node's own stand-in server.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>
    /// The port of this node's stand-in server for the simulated services, on 127.0.0.1 only (0: any free port, which
    /// the node logs). Default 0.
    /// </summary>
    public int Port { get; set; }

    /// <summary>The HTTP client's own limit on one request; guarded calls usually cancel sooner. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest a replica lag may be: one hour.</summary>
    public static readonly TimeSpan MaxReplicaLag = TimeSpan.FromHours(1);

    /// <summary>
    /// How far the simulated read replica (<c>profile-replica</c>) lags behind its primary: its answers say they are
    /// as of this long ago. Default 2 s.
    /// </summary>
    public TimeSpan ReplicaLag { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The SQLite file in which the simulated payments service keeps its charges and idempotency keys, so that a
    /// repeated delivery charges nothing even across a kill. Default: beside the write queue's SQLite file, named
    /// after it (<c>orchestrator.db</c> gives <c>orchestrator-payments.db</c>); when the write queue uses another
    /// database, <c>orchestrator-payments.db</c> in the write queue's default directory. The directory is created
    /// when missing; a file that cannot be opened stops the node at start-up, naming this setting.
    /// </summary>
    public string? PaymentsDatabasePath { get; set; }

    /// <summary>The payments ledger's file: <see cref="PaymentsDatabasePath"/>, else the default beside the write queue.</summary>
    public string EffectivePaymentsDatabasePath(Orchestrator.WriteQueue.WriteQueueOptions writeQueue)
    {
        if (!string.IsNullOrWhiteSpace(PaymentsDatabasePath)) return Path.GetFullPath(PaymentsDatabasePath);
        var beside = writeQueue.IsSqlite && string.IsNullOrWhiteSpace(writeQueue.ConnectionString)
            ? writeQueue.EffectiveDatabasePath
            : Path.Combine(Orchestrator.WriteQueue.WriteQueueOptions.DefaultDirectory, Orchestrator.WriteQueue.WriteQueueOptions.DefaultFileName);
        return Path.Combine(Path.GetDirectoryName(beside)!, Path.GetFileNameWithoutExtension(beside) + "-payments.db");
    }

    /// <summary>Adds every problem to <paramref name="errors"/>, naming the setting.</summary>
    public void Validate(List<string> errors)
    {
        if (BaseUrl is not null
            && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            errors.Add($"{SectionName}:BaseUrl must be an absolute http or https URL, not '{BaseUrl}'.");
        if (Port is < 0 or > 65535)
            errors.Add($"{SectionName}:Port must be a port from 0 (any free one) to 65535, not {Port}.");
        if (RequestTimeout <= TimeSpan.Zero)
            errors.Add($"{SectionName}:RequestTimeout must be positive, not {RequestTimeout}.");
        if (ReplicaLag < TimeSpan.Zero || ReplicaLag > MaxReplicaLag)
            errors.Add($"{SectionName}:ReplicaLag must be between 0 and {MaxReplicaLag}, not {ReplicaLag}.");
        if (PaymentsDatabasePath is not null && string.IsNullOrWhiteSpace(PaymentsDatabasePath))
            errors.Add($"{SectionName}:PaymentsDatabasePath must name a file, not blank (leave it out for the default beside the write queue).");
    }
}
