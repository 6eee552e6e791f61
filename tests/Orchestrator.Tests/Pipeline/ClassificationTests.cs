using System.Net;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Pipeline;

/// <summary>Which outcomes are failures of the dependency: per call, per dependency, and by default.</summary>
public sealed class ClassificationTests
{
    private static readonly CircuitBreakerOptions Defaults = new();

    private static GuardedCall<int> Call => new("d", _ => Task.FromResult(1));

    private static Judgement Threw(Exception error, GuardedCall? call = null, CircuitBreakerOptions? breaker = null) =>
        Judgement.Of("d", call ?? Call, new AttemptOutcome<int>(AttemptEnd.Threw, 0, error, TimeSpan.FromMilliseconds(3), TimeSpan.FromSeconds(1)),
            answerFailed: false, breaker ?? Defaults, out _);

    private static Judgement Answered(GuardedCall<int> call, int value, CircuitBreakerOptions? breaker = null)
    {
        var options = breaker ?? Defaults;
        var failed = OutcomeClassifier.IsFailedAnswer(call.ShouldHandleResult, value, options, out _);
        return Judgement.Of("d", call, new AttemptOutcome<int>(AttemptEnd.Answered, value, null, TimeSpan.Zero, TimeSpan.FromSeconds(1)), failed, options, out _);
    }

    public static TheoryData<Exception, object> Defaulted => new()
    {
        { new HttpRequestException("down"), OutcomeClass.Failure },
        { new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable), OutcomeClass.Failure },
        { new HttpRequestException("busy", null, HttpStatusCode.TooManyRequests), OutcomeClass.Failure },
        { new HttpRequestException("slow", null, HttpStatusCode.RequestTimeout), OutcomeClass.Failure },
        { new TaskCanceledException("HttpClient.Timeout elapsed", new TimeoutException()), OutcomeClass.Failure },
        { new InvalidOperationException("bug over there"), OutcomeClass.Failure },
        { new HttpRequestException("not found", null, HttpStatusCode.NotFound), OutcomeClass.CallersFault },
        { new HttpRequestException("uri too long", null, HttpStatusCode.RequestUriTooLong), OutcomeClass.CallersFault },
        { new ArgumentException("bad id"), OutcomeClass.CallersFault },
        { new ArgumentNullException("id"), OutcomeClass.CallersFault },
        { new OperationCanceledException("the caller gave up"), OutcomeClass.CallersFault },
        { new System.ComponentModel.DataAnnotations.ValidationException("quantity"), OutcomeClass.CallersFault },
    };

    [Theory]
    [MemberData(nameof(Defaulted))]
    public void By_default_the_callers_own_faults_do_not_count_and_everything_else_does(Exception error, object expectedValue)
    {
        var expected = (OutcomeClass)expectedValue;
        var judged = Threw(error);
        Assert.Equal(expected, judged.Class);
        Assert.Same(error, judged.Error);
        // The caller's own fault is no degradation (no reason); it is answered Refused, naming the dependency.
        Assert.Equal(expected == OutcomeClass.CallersFault ? DegradationReason.None : DegradationReason.Error, judged.Reason);
        Assert.Equal(expected == OutcomeClass.CallersFault ? CallOutcome.Refused : CallOutcome.Failed, judged.OutcomeWithoutChain(ran: true));
        if (expected == OutcomeClass.CallersFault) Assert.Contains("'d' refused the request (the caller's error", judged.Detail);
    }

    [Fact]
    public void A_timeout_always_counts_and_a_cut_by_the_deadline_never_does()
    {
        var ignoreAll = new CircuitBreakerOptions { ShouldHandle = _ => false };
        var timedOut = Judgement.Of("d", Call, new AttemptOutcome<int>(AttemptEnd.TimedOut, 0, new TimeoutException(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            false, ignoreAll, out _);
        Assert.Equal((OutcomeClass.Failure, DegradationReason.Timeout), (timedOut.Class, timedOut.Reason));
        Assert.Contains("timed out after 1000 ms", timedOut.Detail);

        var handleAll = new CircuitBreakerOptions { ShouldHandle = _ => true };
        var cut = Judgement.Of("d", Call, new AttemptOutcome<int>(AttemptEnd.CutByDeadline, 0, new TimeoutException(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            false, handleAll, out _);
        Assert.Equal((OutcomeClass.DeadlineCut, DegradationReason.DeadlineExceeded), (cut.Class, cut.Reason));
        var notStarted = Judgement.Of("d", Call, new AttemptOutcome<int>(AttemptEnd.NotStarted, 0, new TimeoutException(), TimeSpan.Zero, TimeSpan.Zero),
            false, handleAll, out _);
        Assert.Equal(OutcomeClass.DeadlineCut, notStarted.Class);
        Assert.Contains("before it could start", notStarted.Detail);
    }

    [Fact]
    public void The_calls_own_predicate_overrides_the_dependencys_which_overrides_the_defaults()
    {
        var declinedIsTheCallers = new CircuitBreakerOptions { ShouldHandle = e => e is not InvalidOperationException };
        Assert.Equal(OutcomeClass.CallersFault, Threw(new InvalidOperationException("declined"), breaker: declinedIsTheCallers).Class);
        Assert.Equal(OutcomeClass.Failure, Threw(new ArgumentException("counted here"), breaker: new CircuitBreakerOptions { ShouldHandle = _ => true }).Class);

        var call = Call with { ShouldHandle = e => e is HttpRequestException { StatusCode: HttpStatusCode.NotFound } };
        Assert.Equal(OutcomeClass.Failure, Threw(new HttpRequestException("gone", null, HttpStatusCode.NotFound), call, declinedIsTheCallers).Class);
        Assert.Equal(OutcomeClass.CallersFault, Threw(new HttpRequestException("down"), call, declinedIsTheCallers).Class);
    }

    [Fact]
    public void A_throwing_predicate_counts_the_outcome_as_a_failure_and_says_why()
    {
        var broken = new CircuitBreakerOptions { ShouldHandle = _ => throw new InvalidOperationException("bug in predicate") };
        var judged = Judgement.Of("d", Call, new AttemptOutcome<int>(AttemptEnd.Threw, 0, new ArgumentException(), TimeSpan.Zero, TimeSpan.FromSeconds(1)),
            false, broken, out var problem);
        Assert.Equal(OutcomeClass.Failure, judged.Class);
        Assert.Contains("bug in predicate", problem);

        Assert.True(OutcomeClassifier.IsFailedAnswer<int>(_ => throw new InvalidOperationException("bad"), 1, Defaults, out var answerProblem));
        Assert.Contains("ShouldHandleResult threw", answerProblem);
    }

    [Fact]
    public void An_answer_counts_as_a_failure_by_the_calls_result_predicate_else_the_dependencys()
    {
        var errorPages = new CircuitBreakerOptions { ShouldHandleResult = v => v is int code && code >= 500 };

        var fine = Answered(Call, 200, errorPages);
        Assert.Equal(OutcomeClass.Success, fine.Class);

        var byDependency = Answered(Call, 503, errorPages);
        Assert.Equal((OutcomeClass.Failure, DegradationReason.Error), (byDependency.Class, byDependency.Reason));
        var error = Assert.IsType<FailedResultException>(byDependency.Error);
        Assert.Equal(503, error.Answer);
        Assert.Equal("d", error.Dependency);

        var lenient = Call with { ShouldHandleResult = _ => false };
        Assert.Equal(OutcomeClass.Success, Answered(lenient, 503, errorPages).Class);
        var strict = Call with { ShouldHandleResult = v => v == 404 };
        Assert.Equal(OutcomeClass.Failure, Answered(strict, 404, errorPages).Class);
        Assert.Equal(OutcomeClass.Success, Answered(Call, 404).Class); // by default every answer is a success
    }

    [Fact]
    public void A_boxed_answer_is_judged_by_the_calls_typed_predicate()
    {
        GuardedCall call = Call with { ShouldHandleResult = v => v < 0 };
        Assert.True(OutcomeClassifier.IsFailedAnswer(call, -1, Defaults, out _));
        Assert.False(OutcomeClassifier.IsFailedAnswer(call, 1, Defaults, out _));
        Assert.False(OutcomeClassifier.IsFailedAnswer(Call, -1, Defaults, out _));
    }
}
