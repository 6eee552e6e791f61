using Microsoft.Extensions.Configuration;

namespace Orchestrator.Actors.Hosting;

/// <summary>
/// A configuration section the orchestrator's options were bound from: the live section, watched for reloads, and a
/// copy of what it said when it was bound, so that a change made before the watcher starts is still seen as one.
/// </summary>
/// <param name="Live">The section as the application's configuration holds it now.</param>
/// <param name="AtBinding">Its keys and values when the options were bound (same paths).</param>
internal sealed record BoundSection(IConfiguration Live, IConfiguration AtBinding)
{
    /// <summary>Takes <paramref name="section"/>, with a copy of what it says now.</summary>
    public static BoundSection Of(IConfiguration section)
    {
        var copy = new ConfigurationBuilder().AddInMemoryCollection(section.AsEnumerable()).Build();
        return new BoundSection(section, section is IConfigurationSection s ? copy.GetSection(s.Path) : copy);
    }
}
