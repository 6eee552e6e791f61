using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Lifecycle;

namespace Orchestrator.Node.Tests;

/// <summary>
/// A starved thread pool is not a frozen process: the freeze detector ticks on a thread of its own, so a node whose
/// thread pool is blocked for 5 s (every thread busy, the work queued behind them) does not decide it was frozen, and
/// serves on. A timer on the thread pool, measured beside it, shows that the starvation was real.
/// </summary>
[Collection(nameof(StarvationCollection))]
public sealed class FreezeDetectorTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Thread_pool_starvation_is_not_taken_for_a_freeze_and_the_node_serves_on()
    {
        var readiness = node.Services.GetRequiredService<ClusterReadiness>();
        var freezesBefore = readiness.Freezes;

        // The control: a thread-pool timer every 100 ms, recording the longest gap between its ticks.
        var last = Environment.TickCount64;
        long longestGap = 0;
        using var control = new Timer(_ =>
        {
            var now = Environment.TickCount64;
            var gap = now - Interlocked.Exchange(ref last, now);
            if (gap > Interlocked.Read(ref longestGap)) Interlocked.Exchange(ref longestGap, gap);
        }, null, 100, 100);

        // Starve the pool: it may grow no thread (its maximum capped), and every thread it has is busy for 5 s, so
        // that everything queued for it waits, as it would on a machine too loaded to add threads.
        ThreadPool.GetMaxThreads(out var maxWorkers, out var maxIo);
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        List<Task> blockers;
        Assert.True(ThreadPool.SetMaxThreads(Math.Max(Environment.ProcessorCount, minWorkers), maxIo), "the pool's maximum could not be capped");
        try
        {
            var until = Environment.TickCount64 + 5000;
            blockers = Enumerable.Range(0, ThreadPool.ThreadCount + 16)
                .Select(_ => Task.Factory.StartNew(() => Thread.Sleep((int)Math.Max(0, until - Environment.TickCount64)), TaskCreationOptions.None)).ToList();
            Thread.Sleep(5200); // the test's own thread (not the pool's) waits them out, and restores the pool before awaiting anything
        }
        finally
        {
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);
        }
        await Task.WhenAll(blockers);
        await Task.Delay(500); // a few more ticks of both

        Assert.True(Interlocked.Read(ref longestGap) >= ClusterReadiness.FreezeThreshold.TotalMilliseconds,
            $"the pool was not starved enough to matter (longest gap of a pool timer: {longestGap} ms)");
        Assert.Equal(freezesBefore, readiness.Freezes);
        Assert.Null(readiness.WhyNotServing());
        using var status = await node.Http.GetAsync("/shop/product/p-100");
        Assert.Equal(System.Net.HttpStatusCode.OK, status.StatusCode);
    }
}

/// <summary>The starvation test starves the whole process: it runs alone.</summary>
[CollectionDefinition(nameof(StarvationCollection), DisableParallelization = true)]
public sealed class StarvationCollection;
