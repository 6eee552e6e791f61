using System.Globalization;
using System.Text.Json;

namespace Orchestrator.Experiments;

/// <summary>
/// The property paths an experiment's checks use on a JSON answer: dotted parts (<c>order.status</c>, <c>items.0.id</c>);
/// <c>[key=value]</c>, the first element of an array whose <c>key</c> is <c>value</c>; and, as the last part only,
/// <c>#</c> (an array's length) or <c>#[key=value]</c> (how many of its elements match).
/// </summary>
public static class JsonPath
{
    private const int MaxLength = 200;

    /// <summary>What is wrong with <paramref name="path"/>, or null when it can be used.</summary>
    public static string? Problem(string path)
    {
        if (path.Length is 0 or > MaxLength) return $"must be 1 to {MaxLength} characters.";
        var parts = Split(path);
        if (parts is null) return "has an unclosed '['.";
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.Length == 0) return "has an empty part (two dots, or a dot at an end).";
            var count = part.StartsWith('#');
            if (count && i != parts.Count - 1) return "may count ('#') only in its last part.";
            var rest = count ? part[1..] : part;
            if (rest.StartsWith('[') && Selector(rest) is null) return $"has '{part}', which is not [key=value].";
            if (count && rest.Length > 0 && !rest.StartsWith('[')) return $"has '{part}': '#' is followed by nothing or [key=value].";
        }
        return null;
    }

    /// <summary>The value at <paramref name="path"/> in <paramref name="root"/>, or null when there is none.</summary>
    public static JsonElement? Find(JsonElement root, string path)
    {
        var current = root;
        foreach (var part in Split(path) ?? [])
        {
            if (part.StartsWith('#'))
            {
                if (current.ValueKind != JsonValueKind.Array) return null;
                var selector = part.Length > 1 ? Selector(part[1..]) : null;
                var count = current.EnumerateArray().Count(e => selector is not { } s || Matches(e, s));
                using var number = JsonDocument.Parse(count.ToString(CultureInfo.InvariantCulture));
                return number.RootElement.Clone();
            }
            if (part.StartsWith('[') && Selector(part) is { } pick)
            {
                if (current.ValueKind != JsonValueKind.Array) return null;
                var found = current.EnumerateArray().Where(e => Matches(e, pick)).Take(1).ToList();
                if (found.Count == 0) return null;
                current = found[0];
            }
            else if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out var next)) current = next;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
                current = current[index];
            else return null;
        }
        return current;
    }

    private static bool Matches(JsonElement element, (string Key, string Value) selector) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(selector.Key, out var value) && value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() == selector.Value,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText() == selector.Value,
            _ => false,
        };

    /// <summary><c>[key=value]</c> as its key and value; null when it is not one.</summary>
    private static (string Key, string Value)? Selector(string part)
    {
        if (part.Length < 4 || part[0] != '[' || part[^1] != ']') return null;
        var inner = part[1..^1];
        var equals = inner.IndexOf('=');
        return equals <= 0 ? null : (inner[..equals], inner[(equals + 1)..]);
    }

    /// <summary>The parts of <paramref name="path"/>, split at dots outside brackets; null when a bracket is not closed.</summary>
    private static List<string>? Split(string path)
    {
        var parts = new List<string>();
        var start = 0;
        var depth = 0;
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '[') depth++;
            else if (path[i] == ']') depth = Math.Max(0, depth - 1);
            else if (path[i] == '.' && depth == 0)
            {
                parts.Add(path[start..i]);
                start = i + 1;
            }
        }
        if (depth != 0) return null;
        parts.Add(path[start..]);
        return parts;
    }
}
