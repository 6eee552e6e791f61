using System.ComponentModel;

namespace Orchestrator.Actors.Hosting;

/// <summary>
/// Whether a configuration value converts to a setting's type the way <c>ConfigurationBinder</c> converts it (the
/// type's <see cref="TypeConverter"/>, invariant culture; empty is null for a nullable type), and how to name what was
/// expected when it does not: the type and an example.
/// </summary>
internal static class SettingValues
{
    /// <summary>The error for <paramref name="value"/> at <paramref name="path"/>, or null when it converts to <paramref name="shape"/>'s type.</summary>
    public static string? Check(string path, string value, SettingShape shape)
    {
        var type = shape.Type;
        if (type == typeof(string)) return null;
        if (value.Length == 0 && shape.IsNullable) return null;
        object? converted;
        try
        {
            converted = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException or InvalidCastException)
        {
            return Error(path, value, type);
        }
        // A number is a valid enum text, but only a declared value (or a combination of flags) is a setting.
        if (type.IsEnum && converted is not null && !type.IsDefined(typeof(FlagsAttribute), false) && !Enum.IsDefined(type, converted))
            return Error(path, value, type);
        return null;
    }

    /// <summary>What a value of <paramref name="type"/> looks like: its name and an example, or the names of an enum.</summary>
    public static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum) return $"{type.Name} (one of {string.Join(", ", Enum.GetNames(type))})";
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool (true or false)",
            TypeCode.Int32 => "int (a whole number, e.g. 10)",
            TypeCode.Int64 => "long (a whole number, e.g. 10)",
            TypeCode.Int16 or TypeCode.SByte => $"{type.Name} (a whole number, e.g. 10)",
            TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 or TypeCode.Byte => $"{type.Name} (a whole number, 0 or more, e.g. 10)",
            TypeCode.Double => "double (a number, e.g. 0.5)",
            TypeCode.Single => "float (a number, e.g. 0.5)",
            TypeCode.Decimal => "decimal (a number, e.g. 0.5)",
            TypeCode.DateTime => "DateTime (e.g. 2026-01-31T12:00:00Z)",
            TypeCode.Char => "char (one character)",
            _ when type == typeof(TimeSpan) => "TimeSpan (e.g. 00:00:02)",
            _ when type == typeof(DateTimeOffset) => "DateTimeOffset (e.g. 2026-01-31T12:00:00+00:00)",
            _ when type == typeof(Guid) => "Guid (e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301)",
            _ when type == typeof(Uri) => "Uri (e.g. http://localhost:5080/)",
            _ => type.Name,
        };
    }

    private static string Error(string path, string value, Type type) =>
        $"{path}: '{value}' is not a valid {Expected(type)}.";
}
