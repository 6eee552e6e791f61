namespace Orchestrator.Node.Configuration;

/// <summary>Binds a configuration section strictly: an unknown key or a value of the wrong type is an error naming it.</summary>
internal static class StrictBinder
{
    /// <summary>Binds <paramref name="section"/> onto <paramref name="target"/>; adds a message to <paramref name="errors"/> on failure.</summary>
    public static T Bind<T>(IConfigurationSection section, T target, List<string> errors) where T : class
    {
        try
        {
            section.Bind(target, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{section.Path}: {e.Message}{(e.InnerException is { } inner ? " " + inner.Message : "")}");
        }
        return target;
    }
}
