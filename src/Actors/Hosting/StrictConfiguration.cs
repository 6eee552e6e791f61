using Microsoft.Extensions.Configuration;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Hosting;

/// <summary>
/// Binds configuration strictly, with errors a person can act on. Before binding, the section's tree is walked
/// against the target type's public settable properties (a nested options class is a section of its own, a
/// dictionary's keys are free, a list's keys are indexes), and every problem is collected, each with its full
/// configuration path:
/// <list type="bullet">
/// <item>a key that is no setting, with the known names of its level and the closest one:
/// <c>Orchestrator:Dependencies:payments:Timout is not a setting of a dependency; did you mean Timeout? Known: Timeout, Breaker, ...</c></item>
/// <item>a value of the wrong type, with the type expected and an example (an enum's names):
/// <c>Orchestrator:Dependencies:payments:Timeout: 'abc' is not a valid TimeSpan (e.g. 00:00:02).</c></item>
/// </list>
/// Only when there is none is the section bound (by <c>ConfigurationBinder</c>), so that the target is changed
/// all or not at all. Used for the orchestrator's options, those of the optional packages, and the node's settings.
/// </summary>
public static class StrictConfiguration
{
    /// <summary>
    /// Binds <paramref name="section"/> onto <paramref name="target"/> (values it gives replace those set) when it holds
    /// no unknown key and no value of the wrong type; otherwise leaves <paramref name="target"/> as it was and adds
    /// every problem to <paramref name="errors"/>, each naming the setting by its path (<see cref="IConfigurationSection.Path"/>).
    /// </summary>
    /// <returns><paramref name="target"/>.</returns>
    public static T Bind<T>(IConfigurationSection section, T target, List<string> errors) where T : class
    {
        ArgumentNullException.ThrowIfNull(section);
        return Bind(section, section.Path, target, errors);
    }

    /// <summary>
    /// Binds <paramref name="configuration"/>, whose settings are named <c><paramref name="path"/>:Key</c> in errors, onto
    /// <paramref name="target"/> as <see cref="Bind{T}(IConfigurationSection, T, List{string})"/> does. Keys in
    /// <paramref name="ownedElsewhere"/> (direct children, case ignored) are neither bound nor reported: another part
    /// of the application reads them (as the optional packages read <c>Orchestrator:Cluster</c> and <c>Orchestrator:WriteQueue</c>).
    /// </summary>
    /// <returns><paramref name="target"/>.</returns>
    public static T Bind<T>(IConfiguration configuration, string path, T target, List<string> errors, IReadOnlyCollection<string>? ownedElsewhere = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        new ConfigurationCheck(errors).Section(configuration, path, target.GetType(), ownedElsewhere ?? []);
        if (errors.Count > before) return target;
        try
        {
            // Checked above: whatever is left unbound is owned elsewhere.
            configuration.Bind(target, o => o.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException e)
        {
            // Not expected after the check; still reported with the path rather than thrown.
            errors.Add($"{path}: {e.Message}{(e.InnerException is { } inner ? " " + inner.Message : "")}");
        }
        return target;
    }

    /// <summary>
    /// Binds the <paramref name="sectionName"/> child of <paramref name="orchestratorSection"/> (the <c>Orchestrator</c>
    /// section; the child is an optional package's own, like <c>Orchestrator:Cluster</c>) into <paramref name="target"/>;
    /// throws <see cref="OrchestratorOptionsException"/> naming every unknown key and every value of the wrong type.
    /// </summary>
    internal static T BindPackageSection<T>(IConfiguration orchestratorSection, string sectionName, T target) where T : class
    {
        ArgumentNullException.ThrowIfNull(orchestratorSection);
        var errors = new List<string>();
        Bind(orchestratorSection.GetSection(sectionName), $"{PathOf(orchestratorSection, OrchestratorOptions.SectionName)}:{sectionName}", target, errors);
        if (errors.Count > 0) throw new OrchestratorOptionsException(errors);
        return target;
    }

    /// <summary>The path of <paramref name="configuration"/> when it is a section; else <paramref name="root"/> (a root configuration given in its place).</summary>
    internal static string PathOf(IConfiguration configuration, string root) =>
        configuration is IConfigurationSection section ? section.Path : root;
}
