using Microsoft.Extensions.Configuration;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Hosting;

/// <summary>Reads <see cref="OrchestratorOptions"/> from configuration, strictly: an unknown key or a value of the wrong type is an error naming it.</summary>
public static class OrchestratorOptionsBinder
{
    /// <summary>Binds <paramref name="section"/>; throws <see cref="OrchestratorOptionsException"/> on a bad key or value.</summary>
    public static OrchestratorOptions Bind(IConfiguration section) => Bind(section, new OrchestratorOptions());

    /// <summary>Binds <paramref name="section"/> into <paramref name="options"/> (values it gives replace those set); throws <see cref="OrchestratorOptionsException"/> on a bad key or value.</summary>
    public static OrchestratorOptions Bind(IConfiguration section, OrchestratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            section.Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            var where = section is IConfigurationSection s ? s.Path : OrchestratorOptions.SectionName;
            throw new OrchestratorOptionsException([$"{where}: {e.Message}{(e.InnerException is { } inner ? " " + inner.Message : "")}"]);
        }
        return options;
    }
}
