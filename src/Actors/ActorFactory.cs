using Akka.Actor;

namespace Orchestrator.Actors;

/// <summary>
/// Props for the actors a user sees (as actor-registry keys) but does not create: their constructors are internal, so
/// Akka's reflective <c>Props.Create(() => new ...)</c> cannot call them; these Props call <paramref name="make"/>
/// instead (every start and restart). Local actors only: such Props cannot be deployed remotely.
/// </summary>
internal static class ActorFactory
{
    public static Props Props<TActor>(Func<TActor> make) where TActor : ActorBase =>
        Akka.Actor.Props.CreateBy(new Producer<TActor>(make));

    private sealed class Producer<TActor>(Func<TActor> make) : IIndirectActorProducer where TActor : ActorBase
    {
        public Type ActorType => typeof(TActor);

        public ActorBase Produce() => make();

        public void Release(ActorBase actor)
        {
        }
    }
}
