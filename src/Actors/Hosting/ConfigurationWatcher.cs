using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Orchestrator.Actors.Reload;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Hosting;

/// <summary>
/// Watches the configuration the orchestrator was bound from and, when it reloads (appsettings.json saved, a
/// provider's reload), changes each dependency's options at run time (<see cref="ChangeDependencyOptions"/>): only the
/// settings whose configured value changed, so that values set in code after binding stay unless their key changes.
/// </summary>
/// <remarks>
/// For each dependency it keeps what configuration alone says (a fresh <see cref="DependencyOptions"/> bound from the
/// sections, strictly), and compares the new reading with it. A key removed from configuration changes nothing (the
/// running value stays until a restart, logged): a file that fails to parse on reload reads as empty, and must not put
/// every dependency back to its defaults. Keys that cannot change at run time (features, stress, admission, the
/// packages' sections, a dependency added) are logged as taking effect at restart. A reading with a bad key or value is
/// refused whole for that dependency, with the same named errors as at start, and shown in its status.
/// </remarks>
internal sealed class ConfigurationWatcher : ReceiveActor
{
    /// <summary>How long the watcher waits for a dependency's answer to a change.</summary>
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(10);

    /// <summary>The most keys named in one log event.</summary>
    private const int KeysLogged = 10;

    private readonly IReadOnlyList<BoundSection> _sections;
    private readonly IActorRef _supervisor;
    private readonly IReadOnlyCollection<string> _dependencies;
    private readonly Dictionary<string, DependencyOptions> _views = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _refusedReadings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IReadOnlyDictionary<string, string?> _others = new Dictionary<string, string?>();

    private ConfigurationWatcher(IReadOnlyList<BoundSection> sections, IActorRef supervisor, IReadOnlyCollection<string> dependencies)
    {
        _sections = sections;
        _supervisor = supervisor;
        _dependencies = dependencies;
        Receive<ConfigurationChanged>(_ => OnChanged());
        Receive<ChangeAnswered>(OnAnswered);
    }

    /// <summary>Props for a watcher of <paramref name="sections"/> (the <c>Orchestrator</c> sections the options were bound from, in order).</summary>
    public static Props Props(IReadOnlyList<BoundSection> sections, IActorRef supervisor, IReadOnlyCollection<string> dependencies) =>
        ActorFactory.Props(() => new ConfigurationWatcher(sections, supervisor, dependencies));

    /// <inheritdoc />
    protected override void PreStart()
    {
        // What configuration said when the options were bound; then a first look at it now, for a change made meanwhile.
        foreach (var name in _dependencies) _views[name] = Read(name, [], atBinding: true);
        _others = OtherKeys(atBinding: true);
        var self = Self;
        foreach (var section in _sections)
            _subscriptions.Add(ChangeToken.OnChange(section.Live.GetReloadToken, () => self.Tell(ConfigurationChanged.Instance)));
        self.Tell(ConfigurationChanged.Instance);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
    }

    private void OnChanged()
    {
        foreach (var name in _dependencies) Compare(name);
        ReportRestartOnly();
    }

    private void Compare(string name)
    {
        var errors = new List<string>();
        var reading = Read(name, errors, atBinding: false);
        if (errors.Count > 0)
        {
            // A bad reading is refused once (the dependency logs it and shows it in its status), not at every reload event.
            var said = string.Join("\n", errors);
            if (_refusedReadings.TryGetValue(name, out var before) && before == said) return;
            _refusedReadings[name] = said;
            Send(name, _ => throw new OrchestratorOptionsException(errors), null);
            return;
        }
        _refusedReadings.Remove(name);

        var changed = OptionsCopy.Differences(_views[name], reading);
        if (changed.Count == 0) return;
        var removed = changed.Where(setting => !IsConfigured(name, setting)).ToArray();
        if (removed.Length > 0)
            _log.Warning("Settings of {Dependency} were removed from configuration; the running values stay until the node restarts: {Settings}",
                name, string.Join(", ", removed));
        var present = changed.Except(removed).ToArray();
        if (present.Length == 0)
        {
            _views[name] = reading;
            return;
        }
        Send(name, options =>
        {
            foreach (var setting in present) OptionsCopy.CopySetting(options, reading, setting);
        }, reading);
    }

    private void Send(string name, Action<DependencyOptions> change, DependencyOptions? reading)
    {
        var self = Self;
        _supervisor.Ask<object>(new ChangeDependencyOptions(name, change), AnswerLimit)
            .PipeTo(self, success: answer => new ChangeAnswered(name, reading, answer), failure: e => new ChangeAnswered(name, reading, e));
    }

    private void OnAnswered(ChangeAnswered answered)
    {
        switch (answered.Answer)
        {
            case OptionsChangeResult { Accepted: true } when answered.Reading is { } reading:
                _views[answered.Dependency] = reading;
                break;
            case OptionsChangeResult:
                break; // refused: the dependency logged it and shows it; the next reading is compared with the last taken
            case Exception e:
                _log.Warning("The options of {Dependency} were not changed after a reload of configuration: no answer ({Error})",
                    answered.Dependency, e.Message);
                break;
            default:
                _log.Warning("The options of {Dependency} were not changed after a reload of configuration: {Answer}", answered.Dependency, answered.Answer);
                break;
        }
    }

    /// <summary>What configuration alone says of <paramref name="name"/>: a fresh <see cref="DependencyOptions"/> bound from every section, in order.</summary>
    private DependencyOptions Read(string name, List<string> errors, bool atBinding)
    {
        var reading = new DependencyOptions();
        foreach (var bound in _sections)
        {
            var section = atBinding ? bound.AtBinding : bound.Live;
            var path = $"{StrictConfiguration.PathOf(section, OrchestratorOptions.SectionName)}:Dependencies:{name}";
            StrictConfiguration.Bind(section.GetSection($"Dependencies:{name}"), path, reading, errors);
        }
        return reading;
    }

    private bool IsConfigured(string name, string setting) =>
        _sections.Any(section => section.Live.GetSection($"Dependencies:{name}:{setting}").Exists());

    /// <summary>Logs the keys that changed and cannot change at run time: outside the dependencies, or a dependency that is not running.</summary>
    private void ReportRestartOnly()
    {
        var now = OtherKeys(atBinding: false);
        var changed = now.Where(kv => !_others.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => kv.Key)
            .Concat(_others.Keys.Where(key => !now.ContainsKey(key)))
            .Order(StringComparer.OrdinalIgnoreCase).ToArray();
        _others = now;
        if (changed.Length == 0) return;
        _log.Warning("Configuration changed that the orchestrator reads only at start; it takes effect when the node restarts: {Keys}{More}",
            string.Join(", ", changed.Take(KeysLogged)), changed.Length > KeysLogged ? $" and {changed.Length - KeysLogged} more" : "");
    }

    /// <summary>Every key of the sections outside the running dependencies' options, with its value.</summary>
    private Dictionary<string, string?> OtherKeys(bool atBinding)
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var bound in _sections)
        {
            var section = atBinding ? bound.AtBinding : bound.Live;
            var root = StrictConfiguration.PathOf(section, OrchestratorOptions.SectionName);
            foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
            {
                if (value is null || IsRunningDependencyKey(key)) continue;
                keys[$"{root}:{key}"] = value;
            }
        }
        return keys;
    }

    private bool IsRunningDependencyKey(string key)
    {
        var parts = key.Split(':', 3);
        return parts.Length >= 2 && parts[0].Equals("Dependencies", StringComparison.OrdinalIgnoreCase)
            && _dependencies.Contains(parts[1], StringComparer.OrdinalIgnoreCase);
    }

    private sealed record ConfigurationChanged
    {
        public static readonly ConfigurationChanged Instance = new();
    }

    private sealed record ChangeAnswered(string Dependency, DependencyOptions? Reading, object Answer);
}
