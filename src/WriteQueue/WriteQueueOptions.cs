using Microsoft.Extensions.Configuration;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.WriteQueue;

/// <summary>
/// The durable write queue (section <c>Orchestrator:WriteQueue</c>, read by this package with <c>WithWriteQueue</c>,
/// not by the core's <see cref="OrchestratorOptions"/>): where it stores its entries, and how it delivers them.
/// Validated once at start-up; every error names the setting. Frozen when the actor system starts.
/// </summary>
public sealed class WriteQueueOptions : FreezableOptions
{
    /// <summary>The section's name under the <c>Orchestrator</c> section.</summary>
    public const string SectionName = "WriteQueue";

    /// <summary>The section's full path, which every error names: <c>Orchestrator:WriteQueue</c>.</summary>
    public const string SectionPath = OrchestratorOptions.SectionName + ":" + SectionName;

    /// <summary>The Linq2Db provider of the SQLite file that is the default store.</summary>
    public const string SqliteProvider = "SQLite.MS";

    /// <summary>The file name of the default database, under <see cref="DefaultDirectory"/>.</summary>
    public const string DefaultFileName = "orchestrator.db";

    /// <summary>
    /// The database provider, a Linq2Db provider name: <c>SQLite.MS</c> (the default, an embedded file),
    /// <c>PostgreSQL</c>, <c>SqlServer.2019</c>, <c>MySql</c>... Any provider but SQLite needs
    /// <see cref="ConnectionString"/> and that provider's ADO.NET package in the application.
    /// </summary>
    public string Provider { get; set { ThrowIfFrozen(); field = value; } } = SqliteProvider;

    /// <summary>
    /// The connection string. When empty with SQLite, <c>Data Source=</c><see cref="DatabasePath"/>; required for
    /// any other provider.
    /// </summary>
    public string? ConnectionString { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>
    /// The SQLite file (used when <see cref="ConnectionString"/> is empty). Empty: <c>orchestrator.db</c> in
    /// <see cref="DefaultDirectory"/>. The directory is created when missing.
    /// </summary>
    public string? DatabasePath { get; set { ThrowIfFrozen(); field = value; } }

    /// <summary>Whether the journal and snapshot tables are created when missing. Default true.</summary>
    public bool AutoInitialize { get; set { ThrowIfFrozen(); field = value; } } = true;

    /// <summary>The queue's persistence id (one queue per id and database). Default <c>write-queue</c>.</summary>
    public string PersistenceId { get; set { ThrowIfFrozen(); field = value; } } = "write-queue";

    /// <summary>Deliveries of one entry that may fail before it moves to the poison list (1..1000). Default 10.</summary>
    public int MaxAttempts { get; set { ThrowIfFrozen(); field = value; } } = 10;

    /// <summary>The ceiling of the first backoff after a failed delivery; each further failure doubles it. Default 500 ms.</summary>
    public TimeSpan BaseDelay { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMilliseconds(500);

    /// <summary>The most any backoff may be. Default 1 min.</summary>
    public TimeSpan MaxDelay { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long deliveries to a target pause when its breaker, bulkhead or load shedder turned one away (that is not
    /// counted as an attempt). Default 1 s.
    /// </summary>
    public TimeSpan PausedDelay { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries in flight at once, over all targets and keys (one per key at most). Default 8.</summary>
    public int MaxInFlight { get; set { ThrowIfFrozen(); field = value; } } = 8;

    /// <summary>How long the queue waits for a delivery's answer from the target's dependency actor. Default 1 min.</summary>
    public TimeSpan DeliveryTimeout { get; set { ThrowIfFrozen(); field = value; } } = TimeSpan.FromMinutes(1);

    /// <summary>Entries (pending and poisoned) the queue may hold; an enqueue beyond it is refused. Default 100 000.</summary>
    public int MaxEntries { get; set { ThrowIfFrozen(); field = value; } } = 100_000;

    /// <summary>A snapshot of the queue is saved after this many journal events, and older events deleted. Default 1000.</summary>
    public int SnapshotEvery { get; set { ThrowIfFrozen(); field = value; } } = 1000;

    /// <summary>The directory of the default database: <c>orchestrator</c> under the user's local application data.</summary>
    public static string DefaultDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify) is { Length: > 0 } data
            ? data
            : Path.GetTempPath(), "orchestrator");

    /// <summary>Whether the store is the embedded SQLite file.</summary>
    public bool IsSqlite => string.Equals(Provider, SqliteProvider, StringComparison.OrdinalIgnoreCase);

    /// <summary>The SQLite file in use: <see cref="DatabasePath"/>, else the default one.</summary>
    public string EffectiveDatabasePath =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(DatabasePath) ? Path.Combine(DefaultDirectory, DefaultFileName) : DatabasePath);

    /// <summary>The connection string in use.</summary>
    public string EffectiveConnectionString =>
        !string.IsNullOrWhiteSpace(ConnectionString) ? ConnectionString : $"Data Source={EffectiveDatabasePath}";

    /// <summary>
    /// Binds the <c>WriteQueue</c> child of <paramref name="orchestratorSection"/> (the <c>Orchestrator</c> section) into
    /// new options, strictly (<see cref="StrictConfiguration"/>); throws <see cref="OrchestratorOptionsException"/>
    /// naming every unknown key and every value of the wrong type. Not validated: see <see cref="Validate"/>.
    /// </summary>
    public static WriteQueueOptions Bind(IConfiguration orchestratorSection) =>
        StrictConfiguration.BindPackageSection(orchestratorSection, SectionName, new WriteQueueOptions());

    /// <summary>Every problem with these options, each naming the setting (<c>Orchestrator:WriteQueue:...</c>) and the bad value; empty when valid.</summary>
    public IReadOnlyList<string> GetErrors()
    {
        var errors = new List<string>();
        Validate(SectionPath, errors);
        return errors;
    }

    /// <summary>Throws <see cref="OrchestratorOptionsException"/> listing every problem, if there is any.</summary>
    public WriteQueueOptions Validate()
    {
        var errors = GetErrors();
        if (errors.Count > 0) throw new OrchestratorOptionsException(errors);
        return this;
    }

    private void Validate(string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Provider)) errors.Add($"{path}:Provider must name a database provider (like {SqliteProvider} or PostgreSQL), not empty.");
        else if (!IsSqlite && string.IsNullOrWhiteSpace(ConnectionString))
            errors.Add($"{path}:ConnectionString is needed for the provider '{Provider}'.");
        if (string.IsNullOrWhiteSpace(PersistenceId)) errors.Add($"{path}:PersistenceId must not be empty.");
        if (MaxAttempts is < 1 or > 1000) errors.Add($"{path}:MaxAttempts must be between 1 and 1000, not {MaxAttempts}.");
        if (BaseDelay <= TimeSpan.Zero) errors.Add($"{path}:BaseDelay must be positive, not {BaseDelay}.");
        if (MaxDelay < BaseDelay) errors.Add($"{path}:MaxDelay ({MaxDelay}) must not be shorter than BaseDelay ({BaseDelay}).");
        if (PausedDelay <= TimeSpan.Zero) errors.Add($"{path}:PausedDelay must be positive, not {PausedDelay}.");
        if (MaxInFlight is < 1 or > 1000) errors.Add($"{path}:MaxInFlight must be between 1 and 1000, not {MaxInFlight}.");
        if (DeliveryTimeout <= TimeSpan.Zero || DeliveryTimeout > TimeSpan.FromDays(1))
            errors.Add($"{path}:DeliveryTimeout must be positive and at most 1 day, not {DeliveryTimeout}.");
        if (MaxEntries < 1) errors.Add($"{path}:MaxEntries must be at least 1, not {MaxEntries}.");
        if (SnapshotEvery < 1) errors.Add($"{path}:SnapshotEvery must be at least 1, not {SnapshotEvery}.");
    }
}
