using System.Diagnostics;
using Serilog.Core;
using Serilog.Events;

namespace Orchestrator.Node.Logging;

/// <summary>
/// Adds <c>TraceId</c> and <c>SpanId</c> (W3C, hex) of <see cref="Activity.Current"/> to every event logged under a
/// span, so that a log line finds its trace (a request's, or a guarded call's). Events logged through Akka's
/// logger are written on its own thread and carry none.
/// </summary>
public sealed class TraceContextEnricher : ILogEventEnricher
{
    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (Activity.Current is not { } activity || activity.IdFormat != ActivityIdFormat.W3C) return;
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("TraceId", activity.TraceId.ToHexString()));
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("SpanId", activity.SpanId.ToHexString()));
    }
}
