using Akka.Actor;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Actors.Client;
using Orchestrator.Actors.Composition;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Contracts;
using Orchestrator.Tests.Actors;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Patterns;

/// <summary>The seed's deadline handler: parallel calls under one deadline, and a partial response.</summary>
public sealed class DeadlineTests(ITestOutputHelper output) : ActorTestBase(output)
{
    /// <summary>Answers each dependency as the test says: a value, a fallback, or never.</summary>
    private sealed class ScriptedCalls(Dictionary<string, Func<ICallResult?>> script) : IGuardedCalls
    {
        public List<GuardedCall> Seen { get; } = [];

        public ValueTask<CallResult<T>> CallAsync<T>(GuardedCall<T> call, CancellationToken cancellationToken = default)
        {
            lock (Seen) Seen.Add(call);
            return script[call.Dependency]() is CallResult<T> r ? new(r) : new(new TaskCompletionSource<CallResult<T>>().Task);
        }

        public ValueTask<CallResult<T>> CallAsync<T>(string dependency, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
            CallAsync(new GuardedCall<T>(dependency, work), cancellationToken);

        public Task<OrchestratorStatus> StatusAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<BreakerCommandResult> IsolateAsync(string dependency, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<BreakerCommandResult> ResetAsync(string dependency, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<OptionsChangeResult> ChangeOptionsAsync(string dependency, Action<DependencyOptions> change, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }

    private static CallResult<T> Result<T>(string dependency, CallOutcome outcome, T? value, FallbackSource? source = null, DegradationReason reason = DegradationReason.None) =>
        new(dependency, new CallReport(outcome, value, reason, source, null, null, TimeSpan.Zero, 1));

    private static IReadOnlyList<PagePart> HomePage() =>
    [
        PagePart.Of("profile", Tier.Critical, new GuardedCall<string>("profile", _ => Task.FromResult(""))),
        PagePart.Of("recommendations", Tier.Important, new GuardedCall<string[]>("recommendations", _ => Task.FromResult(Array.Empty<string>()))),
        PagePart.Of("notifications", Tier.Optional, new GuardedCall<int>("notifications", _ => Task.FromResult(0))),
    ];

    [Fact]
    public async Task At_the_deadline_the_composer_answers_with_the_parts_it_has_and_omits_the_rest()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T12:00:00Z"));
        var calls = new ScriptedCalls(new()
        {
            ["profile"] = () => Result("profile", CallOutcome.Succeeded, "Ada"),
            ["recommendations"] = () => Result("recommendations", CallOutcome.Fallback, new[] { "popular" }, FallbackSource.CallFallback, DegradationReason.BreakerOpen),
            ["notifications"] = () => null, // never answers
        });
        var composing = new PageComposer(calls, time).ComposeAsync(TimeSpan.FromMilliseconds(500), HomePage());

        time.Advance(TimeSpan.FromMilliseconds(499));
        await Task.Delay(50);
        Assert.False(composing.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var page = await composing.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(page.Failed);
        Assert.False(page.Complete);
        Assert.Equal(PartStatus.Succeeded, page["profile"].Status);
        Assert.Equal("Ada", page["profile"].ValueAs<string>());
        Assert.Equal(PartStatus.Degraded, page["recommendations"].Status);
        Assert.Equal(FallbackSource.CallFallback, page["recommendations"].Source);
        Assert.Equal(PartStatus.Omitted, page["notifications"].Status);
        Assert.Equal(DegradationReason.DeadlineExceeded, page["notifications"].Reason);

        // Every part ran under the page's deadline.
        Assert.All(calls.Seen, c => Assert.Equal(page.Deadline, c.Deadline));
    }

    [Fact]
    public async Task Only_a_critical_part_without_a_value_fails_the_whole()
    {
        var time = new FakeTimeProvider();
        var calls = new ScriptedCalls(new()
        {
            ["profile"] = () => Result<string>("profile", CallOutcome.Failed, null, reason: DegradationReason.Error),
            ["recommendations"] = () => Result("recommendations", CallOutcome.Succeeded, new[] { "r" }),
            ["notifications"] = () => Result<int>("notifications", CallOutcome.Rejected, 0, reason: DegradationReason.BreakerOpen),
        });
        var page = await new PageComposer(calls, time).ComposeAsync(TimeSpan.FromSeconds(1), HomePage());
        Assert.True(page.Failed);
        Assert.Equal(PartStatus.Omitted, page["notifications"].Status);
    }

    [Fact]
    public async Task With_real_dependencies_the_slow_part_is_cut_at_the_deadline_and_the_page_is_partial()
    {
        var options = new OrchestratorOptions { TimeProvider = Time }
            .AddDependency("profile").AddDependency("recommendations").AddDependency("notifications", d => d.Timeout = TimeSpan.FromSeconds(30))
            .Validate();
        var supervisor = Sys.ActorOf(DependencySupervisor.Props(options), "dependencies");
        var client = new GuardedCallsClient(supervisor);
        var slowStarted = new TaskCompletionSource();
        var slowCancelled = new TaskCompletionSource();
        IReadOnlyList<PagePart> parts =
        [
            PagePart.Of("profile", Tier.Critical, new GuardedCall<string>("profile", _ => Task.FromResult("Ada"))),
            PagePart.Of("recommendations", Tier.Important, new GuardedCall<string[]>("recommendations", _ => throw new HttpRequestException("down"))
            {
                Fallback = (_, _) => Task.FromResult(new[] { "popular" }),
            }),
            PagePart.Of("notifications", Tier.Optional, new GuardedCall<int>("notifications", async ct =>
            {
                ct.Register(() => slowCancelled.TrySetResult());
                slowStarted.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return 1;
            })),
        ];

        var composing = new PageComposer(client, Time).ComposeAsync(TimeSpan.FromSeconds(2), parts);
        await slowStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var probe = CreateTestProbe();
        AwaitCondition(() =>
        {
            // The two quick parts are answered before the clock moves to the deadline.
            supervisor.Tell(GetStatus.All, probe);
            var status = probe.ExpectMsg<OrchestratorStatus>().Dependencies;
            return status[0].Calls.Succeeded == 1 && status[1].Calls.Fallbacks == 1;
        }, TimeSpan.FromSeconds(5));
        Advance(TimeSpan.FromSeconds(2));
        var page = await composing.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(page.Failed, string.Join("; ", page.Parts.Select(p => $"{p.Name} {p.Status} {p.Reason} {p.Detail}")));
        Assert.Equal(PartStatus.Succeeded, page["profile"].Status);
        Assert.Equal(PartStatus.Degraded, page["recommendations"].Status);
        Assert.Equal(PartStatus.Omitted, page["notifications"].Status);
        Assert.Equal(DegradationReason.DeadlineExceeded, page["notifications"].Reason);
        await slowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5)); // no work goes on past the deadline
    }

    [Fact]
    public void A_nested_call_made_by_the_work_inherits_the_deadline()
    {
        var outer = Dependency("outer");
        var deadline = Clock.Now + TimeSpan.FromSeconds(3);
        GuardedCall<int>? nested = null;
        outer.Tell(new GuardedCall<int>("outer", _ =>
        {
            nested = new GuardedCall<int>("inner", _ => Task.FromResult(1));
            return Task.FromResult(0);
        }) { Deadline = deadline, ReplyTo = TestActor });
        ExpectResult<int>();
        Assert.Equal(deadline, nested!.Deadline);
        Assert.Null(new GuardedCall<int>("elsewhere", _ => Task.FromResult(1)).Deadline);
    }

    [Fact]
    public async Task Bad_compositions_are_refused_naming_the_problem()
    {
        var composer = new PageComposer(new ScriptedCalls([]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => composer.ComposeAsync(TimeSpan.Zero, HomePage()));
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => composer.ComposeAsync(TimeSpan.FromSeconds(1),
            [HomePage()[0], HomePage()[0]]));
        Assert.Contains("'profile'", twice.Message);
    }
}
