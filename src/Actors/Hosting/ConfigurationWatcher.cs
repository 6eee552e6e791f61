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
/// settings whose configured keys changed, so that values set in code after binding stay unless their key changes.
/// </summary>
/// <remarks>
/// For each dependency it keeps the keys and values configuration gave it last (at binding, then at each change
/// sent), and compares each new reading with them, key by key: a key added (even with the default value) or changed
/// is a change; a key removed changes nothing (the running value stays until a restart, logged, and the key's last
/// value is kept for the next comparison): a file that fails to parse on reload reads as empty, and must not put every
/// dependency back to its defaults. A list is one setting: its configured items replace those configured before,
/// and items added in code stay. A reading with a bad key or value is refused whole for that dependency, with the same
/// named errors as at start, and shown in its status once (not at every reload event); a change the dependency
/// refused is sent again with its next change. One change at a time per dependency: a reload that comes while the
/// dependency has not answered the last change is compared once that answer is in (else a refusal heard after the
/// next reload would leave its valid settings out of the change that fixes it). Keys that cannot change at run time
/// (features, stress, admission, the packages' sections, a dependency added) are logged as taking effect at restart. Several reload events for one
/// change (a section bound twice, a file saved twice) send it once.
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
    private readonly Dictionary<string, Dictionary<string, string>> _taken = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _refused = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _badReadings = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _awaitingAnswer = new(StringComparer.OrdinalIgnoreCase); // a change sent, not answered yet
    private readonly HashSet<string> _changedMeanwhile = new(StringComparer.OrdinalIgnoreCase); // a reload came while awaiting it
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
        foreach (var name in _dependencies) _taken[name] = KeysOf(name, atBinding: true);
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
        foreach (var name in _dependencies)
        {
            if (_awaitingAnswer.Contains(name)) _changedMeanwhile.Add(name); // compared when the answer is in
            else Compare(name);
        }
        ReportRestartOnly();
    }

    private void Compare(string name)
    {
        var before = _taken[name];
        var now = KeysOf(name, atBinding: false);
        var changedKeys = now.Where(kv => !before.TryGetValue(kv.Key, out var was) || was != kv.Value).Select(kv => kv.Key).ToList();
        var goneKeys = before.Keys.Where(key => !now.ContainsKey(key)).ToList();
        if (changedKeys.Count == 0 && goneKeys.Count == 0) return;

        // A setting whose every key is gone is removed (kept as it runs); a list that lost some of its items changed.
        var configuredNow = now.Keys.Select(SettingOf).ToHashSet(StringComparer.Ordinal);
        var changed = new HashSet<string>(changedKeys.Select(SettingOf), StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (var setting in goneKeys.Select(SettingOf).Distinct(StringComparer.Ordinal))
            if (configuredNow.Contains(setting)) changed.Add(setting);
            else removed.Add(setting);
        if (removed.Count > 0)
            _log.Warning("Settings of {Dependency} were removed from configuration; the running values stay until the node restarts: {Settings}",
                name, string.Join(", ", removed));

        var taken = new Dictionary<string, string>(now, StringComparer.OrdinalIgnoreCase);
        foreach (var key in goneKeys.Where(key => removed.Contains(SettingOf(key)))) taken[key] = before[key]; // a removed key's last value
        if (changed.Count == 0)
        {
            _taken[name] = taken;
            return;
        }

        var errors = new List<string>();
        var reading = Read(name, errors);
        if (errors.Count > 0)
        {
            // Refused once (the dependency logs it and shows it in its status), not at every reload event; the keys
            // stay to be compared again, so that the whole change is sent once the reading is fixed.
            var said = string.Join("\n", errors);
            if (_badReadings.TryGetValue(name, out var saidBefore) && saidBefore == said) return;
            _badReadings[name] = said;
            Send(name, _ => throw new OrchestratorOptionsException(errors), []);
            return;
        }
        _badReadings.Remove(name);

        if (_refused.Remove(name, out var refusedBefore)) changed.UnionWith(refusedBefore.Where(configuredNow.Contains));
        var settings = changed.Order(StringComparer.Ordinal).ToArray();
        var configuredBefore = settings.ToDictionary(s => s, s => ItemsOf(before, s), StringComparer.Ordinal);
        _taken[name] = taken; // compared with from now on, whatever the answer: a second event for this change sends nothing
        Send(name, options =>
        {
            foreach (var setting in settings)
            {
                if (OptionsCopy.ValueAt(reading, setting) is IList<string> configured && OptionsCopy.ValueAt(options, setting) is IList<string> running)
                {
                    // The configured items replace those configured before; items added in code stay.
                    var fromCode = running.Where(item => !configuredBefore[setting].Contains(item) && !configured.Contains(item));
                    OptionsCopy.SetValueAt(options, setting, configured.Concat(fromCode).ToList());
                }
                else OptionsCopy.CopySetting(options, reading, setting);
            }
        }, settings);
    }

    private void Send(string name, Action<DependencyOptions> change, IReadOnlyCollection<string> settings)
    {
        _awaitingAnswer.Add(name);
        var self = Self;
        _supervisor.Ask<object>(new ChangeDependencyOptions(name, change), AnswerLimit)
            .PipeTo(self, success: answer => new ChangeAnswered(name, settings, answer), failure: e => new ChangeAnswered(name, settings, e));
    }

    private void OnAnswered(ChangeAnswered answered)
    {
        switch (answered.Answer)
        {
            case OptionsChangeResult { Accepted: true }:
                break;
            case OptionsChangeResult:
                // Refused (the dependency logged it and shows it): its settings go again with the next change, so that the
                // valid ones in it are not lost when the bad one is fixed.
                if (answered.Settings.Count > 0)
                {
                    if (!_refused.TryGetValue(answered.Dependency, out var refused)) _refused[answered.Dependency] = refused = new(StringComparer.Ordinal);
                    refused.UnionWith(answered.Settings);
                }
                break;
            case Exception e:
                _log.Warning("The options of {Dependency} were not changed after a reload of configuration: no answer ({Error})",
                    answered.Dependency, e.Message);
                break;
            default:
                _log.Warning("The options of {Dependency} were not changed after a reload of configuration: {Answer}", answered.Dependency, answered.Answer);
                break;
        }
        _awaitingAnswer.Remove(answered.Dependency);
        if (_changedMeanwhile.Remove(answered.Dependency)) Compare(answered.Dependency);
    }

    /// <summary>What configuration alone says of <paramref name="name"/> now: a fresh <see cref="DependencyOptions"/> bound from every section, in order.</summary>
    private DependencyOptions Read(string name, List<string> errors)
    {
        var reading = new DependencyOptions();
        foreach (var bound in _sections)
        {
            var path = $"{StrictConfiguration.PathOf(bound.Live, OrchestratorOptions.SectionName)}:Dependencies:{name}";
            StrictConfiguration.Bind(bound.Live.GetSection($"Dependencies:{name}"), path, reading, errors);
        }
        return reading;
    }

    /// <summary>The keys configured for <paramref name="name"/> (relative to its section) with their values, later sections first.</summary>
    private Dictionary<string, string> KeysOf(string name, bool atBinding)
    {
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var bound in _sections)
        foreach (var (key, value) in (atBinding ? bound.AtBinding : bound.Live).GetSection($"Dependencies:{name}").AsEnumerable(makePathsRelative: true))
            if (value is not null)
                keys[key] = value;
        return keys;
    }

    /// <summary>The setting a key sets (a list's item keys name the list); a key that is no setting is its own (the reading then reports it).</summary>
    private static string SettingOf(string key) => OptionsCopy.SettingOf(typeof(DependencyOptions), key) ?? key;

    private static HashSet<string> ItemsOf(Dictionary<string, string> keys, string setting) =>
        keys.Where(kv => SettingOf(kv.Key) == setting && kv.Key.Length > setting.Length).Select(kv => kv.Value).ToHashSet(StringComparer.Ordinal);

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

    private sealed record ChangeAnswered(string Dependency, IReadOnlyCollection<string> Settings, object Answer);
}
