// An actor that guards its calls to a profile service through the orchestrator, by tell; and callers that ask it,
// and ask the orchestrator directly. Run it: dotnet run (it prints what each call did, then exits).
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Actors.Dependencies;
using Orchestrator.Actors.Hosting;
using Orchestrator.Contracts;

var api = new ProfileApi();
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddAkka("profiles-sample", akka => akka
    .WithOrchestrator(options => options
        .AddDependency("profiles", profiles =>
        {
            profiles.Timeout = TimeSpan.FromMilliseconds(500);
            profiles.Breaker.FailureThreshold = 3; // three failures in a row open the breaker
            profiles.Breaker.ResetTimeout = TimeSpan.FromSeconds(30);
        }))
    .WithActors((system, registry) =>
    {
        // The orchestrator's entry actor is in the registry before this callback runs.
        var dependencies = registry.Get<DependencySupervisor>();
        registry.Register<ProfileActor>(system.ActorOf(Props.Create(() => new ProfileActor(dependencies, api)), "profiles"));
    }));
using var host = builder.Build();
await host.StartAsync();

var registry = host.Services.GetRequiredService<ActorRegistry>();
var profiles = registry.Get<ProfileActor>();
var timeout = TimeSpan.FromSeconds(5);

// Ask the actor; it tells the orchestrator and answers when the guarded call's result comes back.
Console.WriteLine(await profiles.Ask<string>(new ShowProfile("ada"), timeout));

api.Down = true; // the profile service fails from now on
for (var i = 0; i < 4; i++)
{
    await Task.Delay(100); // a request every 100 ms
    Console.WriteLine(await profiles.Ask<string>(new ShowProfile("grace"), timeout));
}

// Or ask the orchestrator directly: the answer is a typed result, never an exception for the dependency's failure.
var direct = await registry.Get<DependencySupervisor>().Ask<CallResult<Profile>>(
    new GuardedCall<Profile>("profiles", ct => api.GetAsync("alan", ct)), timeout);
Console.WriteLine($"direct ask: {direct.Outcome} ({direct.Reason})");

await host.StopAsync();

/// <summary>Shows a user's profile: asks for it with <see cref="ShowProfile"/>, answered with a line of text.</summary>
public sealed record ShowProfile(string UserId);

public sealed record Profile(string UserId, string Name);

/// <summary>
/// One request at a time: while a guarded call is out (<see cref="Waiting"/>), later requests wait in the stash.
/// The call's result comes back to this actor (ReplyTo = Self) as a <see cref="CallResult{T}"/>.
/// </summary>
public sealed class ProfileActor : ReceiveActor, IWithStash
{
    private readonly IActorRef _dependencies;
    private readonly ProfileApi _api;
    private IActorRef _asker = ActorRefs.Nobody;

    public ProfileActor(IActorRef dependencies, ProfileApi api)
    {
        _dependencies = dependencies;
        _api = api;
        Become(Idle);
    }

    public IStash Stash { get; set; } = null!;

    private void Idle() => Receive<ShowProfile>(show =>
    {
        _asker = Sender;
        _dependencies.Tell(new GuardedCall<Profile>("profiles", ct => _api.GetAsync(show.UserId, ct))
        {
            Key = show.UserId,
            Fallback = (failure, _) => Task.FromResult(new Profile(show.UserId, "a guest")),
            ReplyTo = Self,
        });
        Become(Waiting);
    });

    private void Waiting()
    {
        Receive<CallResult<Profile>>(result =>
        {
            var why = result.Outcome == CallOutcome.Succeeded ? "" : $", {result.Reason}";
            _asker.Tell($"{result.Value?.UserId}: {result.Value?.Name} ({result.Outcome}{why})");
            Stash.UnstashAll();
            Become(Idle);
        });
        ReceiveAny(_ => Stash.Stash());
    }
}

/// <summary>The profile service this sample guards, simulated: it answers, or fails while <see cref="Down"/>.</summary>
public sealed class ProfileApi
{
    public volatile bool Down;

    public async Task<Profile> GetAsync(string userId, CancellationToken ct)
    {
        await Task.Delay(10, ct);
        if (Down) throw new HttpRequestException("The profile service is down.");
        return new Profile(userId, userId == "ada" ? "Ada Lovelace" : userId);
    }
}
