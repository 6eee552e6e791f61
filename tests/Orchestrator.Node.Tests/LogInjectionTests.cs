using Orchestrator.Node.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Orchestrator.Node.Tests;

/// <summary>A caller's text cannot forge or hide a line of the node's text log (its console template, <c>{Message:lj}</c>).</summary>
public sealed class LogInjectionTests
{
    private const string Template = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private sealed class Lines : ILogEventSink
    {
        private readonly MessageTemplateTextFormatter _formatter = new(Template);
        public StringWriter Output { get; } = new();
        public void Emit(LogEvent logEvent) => _formatter.Format(logEvent, Output);
    }

    private static string Render(Action<ILogger> log)
    {
        var sink = new Lines();
        using (var logger = new LoggerConfiguration().Enrich.With<ControlCharacterEscaper>().WriteTo.Sink(sink).CreateLogger()) log(logger);
        return sink.Output.ToString();
    }

    [Fact]
    public void Control_separator_and_invisible_characters_in_values_are_written_as_escapes_on_one_line()
    {
        var text = Render(log => log.Information("HTTP {RequestMethod} {RequestPath} responded {StatusCode}", "GET",
            "/shop/home/a\r\n[20:00:00.000 INF] forged\u2028x\u202Ey\tz\0", 400));
        Assert.Single(text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(@"/shop/home/a\r\n[20:00:00.000 INF] forged\u2028x\u202Ey\tz\u0000 responded 400", text);
    }

    [Fact]
    public void Nested_values_are_escaped_and_clean_ones_are_left_as_they_are()
    {
        var text = Render(log => log.Information("{Ids} {@Order} {Clean}", new[] { "ok", "bad\nline" }, new { UserId = "u\r1" }, "fine"));
        Assert.Single(text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(@"bad\", text); // the template writes nested values as JSON (escaped once more): still one line
        Assert.Contains(@"u\", text);
        Assert.EndsWith("fine" + Environment.NewLine, text);
    }
}
