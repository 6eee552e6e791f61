using Serilog.Core;
using Serilog.Events;

namespace Orchestrator.Node.Logging;

/// <summary>
/// Akka's Serilog logger puts the actor path (or the logging class) in <c>LogSource</c> and a placeholder in
/// <c>SourceContext</c>; this makes <c>SourceContext</c> the <c>LogSource</c>, so one output template names the
/// source of ASP.NET and Akka events alike.
/// </summary>
public sealed class AkkaLogSourceEnricher : ILogEventEnricher
{
    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue("LogSource", out var source) && source is ScalarValue { Value: string text })
            logEvent.AddOrUpdateProperty(propertyFactory.CreateProperty(Constants.SourceContextPropertyName, text));
    }
}
