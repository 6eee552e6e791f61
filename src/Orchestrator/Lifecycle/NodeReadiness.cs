using Akka.Actor;
using Orchestrator.Node.Configuration;
using Orchestrator.Node.Shop.Orders;
using Orchestrator.WriteQueue;

namespace Orchestrator.Node.Lifecycle;

/// <summary>
/// The node's one readiness: ready means started and not stopping, an Up member that sees a majority
/// (<see cref="ClusterReadiness"/>), its write queue and its order book recovered from the journal and answering,
/// room on the journal's disk (<see cref="StorageSettings.MinFreeMegabytes"/>), and its warm-up done
/// (<see cref="WarmUp"/>). <c>/health/ready</c> shows each part; the shop is refused (503, <c>Retry-After</c>) until
/// all hold, so no request is answered by a half-ready node. The parts that need a question to an actor or the disk
/// are checked every <see cref="CheckInterval"/> on a loop of their own and read from there: every request reads
/// two fields.
/// </summary>
public sealed partial class NodeReadiness(NodeLifecycle lifecycle, ClusterReadiness cluster, IWriteQueue writes, OrderStore orders, StoragePaths storage,
    StorageSettings settings, ILogger<NodeReadiness> log) : BackgroundService
{
    /// <summary>How often the write queue, the order book and the disk are checked.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the write queue or the order book may take to answer a check.</summary>
    public static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(2);

    private volatile IReadOnlyList<ReadinessPart> _parts =
    [
        new("write-queue", "not checked yet"), new("order-book", "not checked yet"), new("storage", "not checked yet"), new("warm-up", "not done yet"),
    ];
    private volatile bool _warmedUp;
    private volatile string? _lastLogged;
    private volatile bool _servedOnce;

    /// <summary>The parts checked on the loop, as last checked (null <see cref="ReadinessPart.Problem"/>: it holds).</summary>
    public IReadOnlyList<ReadinessPart> Parts => _parts;

    /// <summary>Whether every part but the warm-up holds: the warm-up waits for this before it sends its requests.</summary>
    public bool ReadyButWarmUp => cluster.WhyNotServing() is null && _parts.All(p => p.Name == "warm-up" || p.Problem is null);

    /// <summary>The warm-up is done.</summary>
    public void MarkWarmedUp() => _warmedUp = true;

    /// <summary>Null when the node may serve the shop; else why not, in a sentence.</summary>
    public string? WhyNotReady()
    {
        if (lifecycle.IsLeaving) return "the node is stopping";
        if (!lifecycle.IsReady) return "the node is starting";
        if (cluster.WhyNotServing() is { } why) return why;
        foreach (var part in _parts)
            if (part.Problem is { } problem) return problem;
        return null;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval);
        do
        {
            _parts =
            [
                new("write-queue", await CheckWriteQueueAsync(stoppingToken)),
                new("order-book", await CheckOrderBookAsync(stoppingToken)),
                new("storage", CheckStorage()),
                new("warm-up", _warmedUp ? null : "the node warms up (its first requests, run by itself)"),
            ];
            LogChange();
        } while (await Tick(timer, stoppingToken));
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<string?> CheckWriteQueueAsync(CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(AnswerLimit);
        try
        {
            await writes.StatusAsync(limit.Token);
            return null;
        }
        catch (Exception e) when (e is OperationCanceledException or AskTimeoutException)
        {
            return "the write queue does not answer yet (it reads its journal)";
        }
        catch (InvalidOperationException e)
        {
            return $"the write queue is not running: {e.Message}";
        }
    }

    private async Task<string?> CheckOrderBookAsync(CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(AnswerLimit);
        try
        {
            await orders.FlushAsync(limit.Token); // answered once the order book has read its journal
            return null;
        }
        catch (Exception e) when (e is OperationCanceledException or AskTimeoutException)
        {
            return "the order book does not answer yet (it loads its orders from the journal)";
        }
        catch (InvalidOperationException e)
        {
            return $"the order book is not running: {e.Message}";
        }
    }

    /// <summary>The free space of every storage file's disk against <see cref="StorageSettings.MinFreeMegabytes"/>.</summary>
    private string? CheckStorage()
    {
        if (settings.MinFreeMegabytes == 0) return null;
        var least = settings.MinFreeMegabytes * 1024L * 1024L;
        foreach (var (what, file) in storage.Files)
        {
            try
            {
                var free = new DriveInfo(Path.GetDirectoryName(Path.GetFullPath(file))!).AvailableFreeSpace;
                if (free < least)
                    return $"the disk of the {what} ({file}) has {free / (1024.0 * 1024.0):0.#} MB free, less than {StorageSettings.SectionName}:MinFreeMegabytes " +
                           $"({settings.MinFreeMegabytes} MB): writes would fail; the node takes work again once there is room";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return $"the disk of the {what} ({file}) cannot be read: {e.Message}";
            }
        }
        return null;
    }

    /// <summary>Logs each change of the checked parts once the node has served (a start's own waits are not news).</summary>
    private void LogChange()
    {
        if (!_servedOnce)
        {
            _servedOnce = WhyNotReady() is null;
            return;
        }
        var why = _parts.FirstOrDefault(p => p.Problem is not null && p.Name != "warm-up")?.Problem;
        if (why == _lastLogged) return;
        _lastLogged = why;
        if (why is not null) LogNotReady(why);
        else LogReadyAgain();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node is not ready: {Reason}")]
    private partial void LogNotReady(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "This node's write queue, order book and storage are ready again")]
    private partial void LogReadyAgain();
}

/// <summary>One part of readiness and, when it does not hold, why.</summary>
public sealed record ReadinessPart(string Name, string? Problem);

/// <summary>The files the node writes to (its journal, the payments ledger), named, whose disks readiness watches.</summary>
public sealed record StoragePaths(IReadOnlyList<(string What, string File)> Files);
