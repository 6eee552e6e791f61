using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace Orchestrator.Node.Logging;

/// <summary>
/// Keeps a caller's text from forging or hiding log lines: every string property of every event (a request's path,
/// an id, a message from a dependency), nested ones too, has its control characters, line and paragraph separators
/// and invisible format characters written as escapes (<c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\u202E</c>). The text
/// sink writes strings as they are (<c>{Message:lj}</c>), so without this a CR/LF in a path starts a new, false line.
/// Runs last among the enrichers; an event without such characters is left as it is (no allocation).
/// </summary>
public sealed class ControlCharacterEscaper : ILogEventEnricher
{
    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
            if (Escape(value) is { } escaped) (changed ??= []).Add(new LogEventProperty(name, escaped));
        if (changed is null) return;
        foreach (var property in changed) logEvent.AddOrUpdateProperty(property);
    }

    /// <summary><paramref name="value"/> with its strings escaped; null when nothing needed it.</summary>
    internal static LogEventPropertyValue? Escape(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text } when NeedsEscape(text):
                return new ScalarValue(EscapeText(text));
            case SequenceValue sequence:
            {
                var elements = sequence.Elements.Select(e => Escape(e)).ToList();
                return elements.All(e => e is null) ? null : new SequenceValue(elements.Select((e, i) => e ?? sequence.Elements[i]));
            }
            case StructureValue structure:
            {
                var properties = structure.Properties.Select(p => Escape(p.Value)).ToList();
                return properties.All(p => p is null)
                    ? null
                    : new StructureValue(structure.Properties.Select((p, i) => properties[i] is { } e ? new LogEventProperty(p.Name, e) : p), structure.TypeTag);
            }
            case DictionaryValue dictionary:
            {
                var escaped = dictionary.Elements.Select(kv => (Key: Escape(kv.Key) as ScalarValue, Value: Escape(kv.Value))).ToList();
                return escaped.All(e => e.Key is null && e.Value is null)
                    ? null
                    : new DictionaryValue(dictionary.Elements.Select((kv, i) =>
                        new KeyValuePair<ScalarValue, LogEventPropertyValue>(escaped[i].Key ?? kv.Key, escaped[i].Value ?? kv.Value)));
            }
            default:
                return null;
        }
    }

    /// <summary>Whether <paramref name="text"/> holds a character that must not reach a log as it is.</summary>
    public static bool NeedsEscape(string text)
    {
        foreach (var c in text)
            if (IsUnsafe(c)) return true;
        return false;
    }

    /// <summary><paramref name="text"/> with every unsafe character written as an escape.</summary>
    public static string EscapeText(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (!IsUnsafe(c)) escaped.Append(c);
            else escaped.Append(c switch
            {
                '\r' => @"\r",
                '\n' => @"\n",
                '\t' => @"\t",
                _ => $@"\u{(int)c:X4}",
            });
        }
        return escaped.ToString();
    }

    private static bool IsUnsafe(char c) => c < 0x20 || char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format;
}
