using Microsoft.Extensions.Configuration;

namespace Orchestrator.Actors.Hosting;

/// <summary>
/// Walks a configuration tree against the type it binds to, before it is bound, and lists every problem with its
/// full path: a key that names no setting (with the known names of its level and the closest one), a value of the
/// wrong type (with the type expected and an example), a value where a section is expected and the reverse, a list
/// entry that is not an index, a setting that code alone can set.
/// </summary>
internal sealed class ConfigurationCheck(List<string> errors)
{
    /// <summary>Checks the settings under <paramref name="section"/> (at <paramref name="path"/>) against <paramref name="type"/>, except the keys in <paramref name="ownedElsewhere"/>.</summary>
    public void Section(IConfiguration section, string path, Type type, IReadOnlyCollection<string> ownedElsewhere) =>
        Section(section, path, type, ownedElsewhere, entry: false);

    private void Section(IConfiguration section, string path, Type type, IReadOnlyCollection<string> ownedElsewhere, bool entry)
    {
        var shape = SettingShape.Of(type);
        foreach (var child in section.GetChildren())
        {
            var childPath = $"{path}:{child.Key}";
            if (ownedElsewhere.Contains(child.Key, StringComparer.OrdinalIgnoreCase)) continue;
            if (shape.Settings.TryGetValue(child.Key, out var setting)) Setting(child, childPath, setting.PropertyType, entry: false);
            else errors.Add(Unknown(childPath, child.Key, entry ? Article(Noun(shape.Type)) : path, shape, ownedElsewhere));
        }
    }

    private void Setting(IConfigurationSection node, string path, Type type, bool entry)
    {
        var shape = SettingShape.Of(type);
        var children = node.GetChildren().ToList();
        switch (shape.Kind)
        {
            case SettingKind.Value:
                if (children.Count > 0)
                    errors.Add($"{path}:{children[0].Key} is not a setting: {path} is one value ({SettingValues.Expected(type)}), with no settings under it.");
                else if (node.Value is { } value && SettingValues.Check(path, value, shape) is { } error) errors.Add(error);
                break;
            case SettingKind.Section:
                if (NotSectionValue(node, path, children) is { } sectionError) errors.Add($"{sectionError} ({Known(shape, [])}).");
                else Section(node, path, type, [], entry);
                break;
            case SettingKind.Dictionary:
                if (NotSectionValue(node, path, children) is { } dictionaryError) errors.Add($"{dictionaryError} (a name per entry, like {path}:name).");
                else foreach (var item in children) Setting(item, $"{path}:{item.Key}", shape.Element!, entry: true);
                break;
            case SettingKind.List:
                if (NotSectionValue(node, path, children) is { } listError) errors.Add($"{listError} (one entry per index: {path}:0, {path}:1, ...).");
                else
                    foreach (var item in children)
                    {
                        if (int.TryParse(item.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                            Setting(item, $"{path}:{item.Key}", shape.Element!, entry: true);
                        else errors.Add($"{path}:{item.Key} is not an entry of the list {path}: its entries are numbered 0, 1, 2, ... ({path}:0).");
                    }
                break;
            default:
                errors.Add($"{path} can be set in code only (it is a {Readable(shape.Type)}), not in configuration.");
                break;
        }
    }

    /// <summary>The error when <paramref name="node"/> holds a value of its own where settings are expected; null otherwise (an empty value is allowed).</summary>
    private static string? NotSectionValue(IConfigurationSection node, string path, List<IConfigurationSection> children) =>
        children.Count == 0 && !string.IsNullOrEmpty(node.Value)
            ? $"{path}: '{node.Value}' is not a valid value here: {path} is a section of settings, not one value"
            : null;

    /// <summary>The error for <paramref name="key"/>, which names no setting of <paramref name="owner"/>: its known names, and the closest.</summary>
    private static string Unknown(string path, string key, string owner, SettingShape shape, IReadOnlyCollection<string> ownedElsewhere)
    {
        var known = Known(shape, ownedElsewhere);
        if (shape.Computed.Contains(key))
            return $"{path} cannot be set: it is worked out from the other settings of {owner} (read only). {known}.";
        var closest = ClosestName.To(key, [.. KnownNames(shape), .. ownedElsewhere]);
        return closest is null
            ? $"{path} is not a setting of {owner}. {known}."
            : $"{path} is not a setting of {owner}; did you mean {closest}? {known}.";
    }

    /// <summary>"Known: ..." for the settings of <paramref name="shape"/>, with the keys read elsewhere.</summary>
    private static string Known(SettingShape shape, IReadOnlyCollection<string> ownedElsewhere)
    {
        var own = KnownNames(shape);
        var text = own.Count == 0 ? "It has no settings" : $"Known: {string.Join(", ", own)}";
        return ownedElsewhere.Count == 0 ? text : $"{text} (and {string.Join(", ", ownedElsewhere)}, read separately)";
    }

    /// <summary>The names configuration may give at <paramref name="shape"/>'s level, in declaration order: not those code alone can set.</summary>
    private static List<string> KnownNames(SettingShape shape) =>
        shape.Settings.Values.Where(p => SettingShape.Of(p.PropertyType).Kind != SettingKind.CodeOnly).Select(p => p.Name).ToList();

    /// <summary>"dependency" for DependencyOptions, "rate limit" for RateLimitSettings.</summary>
    private static string Noun(Type type)
    {
        var name = type.Name;
        foreach (var suffix in new[] { "Options", "Settings" })
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal)) name = name[..^suffix.Length];
        return string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }

    private static string Article(string noun) => ("aeiou".Contains(noun[0]) ? "an " : "a ") + noun;

    private static string Readable(Type type) =>
        typeof(Delegate).IsAssignableFrom(type) ? "delegate" : type.IsInterface ? $"{type.Name} (an interface)" : type.Name;
}
