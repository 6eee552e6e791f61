using System.Collections;
using System.Reflection;
using Orchestrator.Contracts;

namespace Orchestrator.Actors.Reload;

/// <summary>
/// Copies and compares options by their settings (public properties with a public getter and setter), the way
/// configuration sees them: a nested <see cref="FreezableOptions"/> is a section compared setting by setting, a list
/// is one value compared item by item, anything else (numbers, TimeSpans, enums, strings, delegates) is compared with
/// <see cref="object.Equals(object, object)"/>. A setting is named by its path below the options, as in configuration
/// (<c>Breaker:FailureThreshold</c>).
/// </summary>
internal static class OptionsCopy
{
    /// <summary>A copy of <paramref name="source"/> that is not frozen: nested options copied too, lists copied into lists of their own.</summary>
    public static T Clone<T>(T source) where T : FreezableOptions => (T)CloneObject(source);

    /// <summary>The settings whose values differ between <paramref name="before"/> and <paramref name="after"/>, by path, in declaration order.</summary>
    public static IReadOnlyList<string> Differences<T>(T before, T after) where T : FreezableOptions
    {
        var found = new List<string>();
        Compare(before, after, "", found);
        return found;
    }

    /// <summary>Sets the setting at <paramref name="path"/> of <paramref name="target"/> to its value in <paramref name="source"/> (a section or a list copied).</summary>
    public static void CopySetting<T>(T target, T source, string path) where T : FreezableOptions =>
        SetValueAt(target, path, ValueAt(source, path));

    /// <summary>The value of the setting at <paramref name="path"/> of <paramref name="options"/>.</summary>
    public static object? ValueAt(object options, string path)
    {
        var (owner, setting) = Locate(options, path);
        return setting.GetValue(owner);
    }

    /// <summary>Sets the setting at <paramref name="path"/> of <paramref name="options"/> to <paramref name="value"/> (a section or a list copied).</summary>
    public static void SetValueAt(object options, string path, object? value)
    {
        var (owner, setting) = Locate(options, path);
        setting.SetValue(owner, CopyValue(value));
    }

    /// <summary>
    /// The setting a configuration key below <paramref name="type"/> sets, by its path in declaration case
    /// (<c>breaker:ignoredexceptions:0</c> is the list <c>Breaker:IgnoredExceptions</c>); null when no setting has that name.
    /// </summary>
    public static string? SettingOf(Type type, string key)
    {
        var names = new List<string>();
        foreach (var name in key.Split(':'))
        {
            var property = SettingsOf(type).FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (property is null) return null;
            names.Add(property.Name);
            if (!typeof(FreezableOptions).IsAssignableFrom(property.PropertyType)) return string.Join(':', names);
            type = property.PropertyType;
        }
        return null; // a section, not a setting
    }

    private static (object Owner, PropertyInfo Setting) Locate(object options, string path)
    {
        var names = path.Split(':');
        var owner = options;
        for (var i = 0; i < names.Length - 1; i++)
            owner = PropertyOf(owner.GetType(), names[i]).GetValue(owner)
                    ?? throw new InvalidOperationException($"The section {string.Join(':', names[..(i + 1)])} is missing.");
        return (owner, PropertyOf(owner.GetType(), names[^1]));
    }

    private static object CloneObject(object source)
    {
        var copy = Activator.CreateInstance(source.GetType())
                   ?? throw new InvalidOperationException($"{source.GetType().Name} cannot be created.");
        foreach (var setting in SettingsOf(source.GetType())) setting.SetValue(copy, CopyValue(setting.GetValue(source)));
        return copy;
    }

    private static object? CopyValue(object? value) => value switch
    {
        FreezableOptions options => CloneObject(options),
        IList<string> list => new List<string>(list),
        _ => value,
    };

    private static void Compare(object before, object after, string prefix, List<string> found)
    {
        foreach (var setting in SettingsOf(before.GetType()))
        {
            var path = prefix.Length == 0 ? setting.Name : $"{prefix}:{setting.Name}";
            var (a, b) = (setting.GetValue(before), setting.GetValue(after));
            switch (a, b)
            {
                case (FreezableOptions x, FreezableOptions y):
                    Compare(x, y, path, found);
                    break;
                case (IList x, IList y):
                    if (!x.Cast<object?>().SequenceEqual(y.Cast<object?>())) found.Add(path);
                    break;
                default:
                    if (!Equals(a, b)) found.Add(path);
                    break;
            }
        }
    }

    private static IEnumerable<PropertyInfo> SettingsOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is { IsPublic: true } && p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static PropertyInfo PropertyOf(Type type, string name) =>
        SettingsOf(type).FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"{type.Name} has no setting {name}.", nameof(name));
}
