using System.ComponentModel;
using System.Reflection;

namespace Orchestrator.Actors.Hosting;

/// <summary>How configuration reaches a setting of a type: the kinds <see cref="SettingShape"/> tells apart.</summary>
internal enum SettingKind
{
    /// <summary>One value, converted from its text (numbers, TimeSpan, bool, enums, strings...).</summary>
    Value,

    /// <summary>A section of named settings: the public settable properties of a class.</summary>
    Section,

    /// <summary>A dictionary keyed by text: its keys are free, each entry is of <see cref="SettingShape.Element"/>.</summary>
    Dictionary,

    /// <summary>A list or an array: its keys are indexes (0, 1, 2...), each entry is of <see cref="SettingShape.Element"/>.</summary>
    List,

    /// <summary>Set in code only (a delegate, an interface, an abstract class, <see cref="object"/>): never from configuration.</summary>
    CodeOnly,
}

/// <summary>
/// What configuration may hold for a type: one value, a section of settings (each with its own shape), a dictionary
/// or a list of entries, or nothing (code only). Read by reflection once per type, the way
/// <c>ConfigurationBinder</c> binds: public instance properties with a public setter, and read-only ones whose
/// sections or collections are bound in place.
/// </summary>
internal sealed class SettingShape
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, SettingShape> Shapes = new();

    private readonly Lazy<(IReadOnlyDictionary<string, PropertyInfo> Settings, IReadOnlySet<string> Computed)> _properties;

    private SettingShape(Type type)
    {
        Type = Nullable.GetUnderlyingType(type) ?? type;
        IsNullable = !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        (Kind, var element) = Classify(Type);
        Element = element;
        _properties = new(() => ReadProperties(Type));
    }

    /// <summary>The type (a nullable value type's underlying one).</summary>
    public Type Type { get; }

    /// <summary>Whether an empty value means null (a reference type, a nullable value type).</summary>
    public bool IsNullable { get; }

    /// <summary>How configuration reaches the type.</summary>
    public SettingKind Kind { get; }

    /// <summary>The entries' type of a <see cref="SettingKind.Dictionary"/> or <see cref="SettingKind.List"/>; else null.</summary>
    public Type? Element { get; }

    /// <summary>The settings of a <see cref="SettingKind.Section"/>, by name (case-insensitive, like configuration keys), in declaration order.</summary>
    public IReadOnlyDictionary<string, PropertyInfo> Settings => _properties.Value.Settings;

    /// <summary>The public read-only values of a <see cref="SettingKind.Section"/> (worked out from its settings): named, but not settable.</summary>
    public IReadOnlySet<string> Computed => _properties.Value.Computed;

    /// <summary>The shape of <paramref name="type"/>.</summary>
    public static SettingShape Of(Type type) => Shapes.GetOrAdd(type, t => new SettingShape(t));

    private static (SettingKind, Type?) Classify(Type type)
    {
        if (type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri) || type == typeof(Version))
            return (SettingKind.Value, null);
        if (type.IsArray) return (SettingKind.List, type.GetElementType());
        if ((GenericArguments(type, typeof(IDictionary<,>)) ?? GenericArguments(type, typeof(IReadOnlyDictionary<,>))) is { } pair)
            return pair[0] == typeof(string) ? (SettingKind.Dictionary, pair[1]) : (SettingKind.CodeOnly, null);
        if (GenericArguments(type, typeof(IEnumerable<>)) is { } item) return (SettingKind.List, item[0]);
        if (type == typeof(object) || typeof(Delegate).IsAssignableFrom(type) || type.IsInterface || type.IsAbstract)
            return (SettingKind.CodeOnly, null);
        if (TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string))) return (SettingKind.Value, null);
        return type.IsClass ? (SettingKind.Section, null) : (SettingKind.CodeOnly, null);
    }

    /// <summary>The type arguments of <paramref name="generic"/> when <paramref name="type"/> is it or implements it; else null.</summary>
    private static Type[]? GenericArguments(Type type, Type generic)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == generic) return type.GetGenericArguments();
        return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic)?.GetGenericArguments();
    }

    private static (IReadOnlyDictionary<string, PropertyInfo>, IReadOnlySet<string>) ReadProperties(Type type)
    {
        var settings = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        var computed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!type.IsClass || type == typeof(string)) return (settings, computed);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true }) continue;
            var settable = property.SetMethod is { IsPublic: true };
            // A read-only property is bound in place only when it holds settings of its own: a computed value is no setting.
            var boundInPlace = !settable && Of(property.PropertyType).Kind is SettingKind.Section or SettingKind.Dictionary or SettingKind.List;
            if (settable || boundInPlace) settings.TryAdd(property.Name, property);
            else computed.Add(property.Name);
        }
        return (settings, computed);
    }
}
