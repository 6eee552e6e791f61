using Orchestrator.Actors.Breaker;
using Orchestrator.Actors.Pipeline;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Pipeline;

/// <summary>A side of the pipeline whose answers a test sets, and which writes down every question it is asked, in order.</summary>
internal struct ScriptedSide() : IPipelineSide
{
    public DateTimeOffset Clock = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
    public bool Feature = true;
    public bool Load = true;
    public BreakerCheck Breaker = BreakerCheck.Passes;
    public GateCheck Gate = GateCheck.Entered;
    public CacheCheck Cache = CacheCheck.Miss;
    public AttemptCheck Attempt = AttemptCheck.Run(BreakerPermit.Allowed, 0);
    public List<string> Asked = [];

    public DateTimeOffset Now
    {
        get
        {
            Asked.Add("deadline");
            return Clock;
        }
    }

    public bool FeatureAllows(GuardedCall call) => Ask("feature", Feature);
    public bool TryAdmitLoad(GuardedCall call) => Ask("shedding", Load);
    public BreakerCheck CheckBreaker() => Ask("breaker", Breaker);
    public GateCheck TryEnterGate(GuardedCall call) => Ask("bulkhead", Gate);
    public CacheCheck CheckCache(GuardedCall call) => Ask("cache", Cache);
    public AttemptCheck TryStartAttempt(GuardedCall call) => Ask("attempt", Attempt);

    private T Ask<T>(string stage, T answer)
    {
        Asked.Add(stage);
        return answer;
    }
}
