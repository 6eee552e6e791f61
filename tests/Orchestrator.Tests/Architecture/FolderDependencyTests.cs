using System.Reflection;
using System.Reflection.Emit;
using Orchestrator.Actors.Dependencies;

namespace Orchestrator.Tests.Architecture;

/// <summary>
/// The folders of <c>src/Actors</c> (one namespace each) depend on one another without a circle: read from the
/// compiled assembly (signatures and method bodies), so that a fully qualified name or a nested lambda cannot hide
/// a dependency.
/// </summary>
public sealed class FolderDependencyTests
{
    private const string Root = "Orchestrator.Actors";

    [Fact]
    public void No_folder_of_the_actors_depends_on_another_in_a_circle()
    {
        var graph = FolderGraph(typeof(DependencyActor).Assembly);
        var cycle = FindCycle(graph);
        Assert.True(cycle is null, $"The folders depend on each other in a circle: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void The_pipeline_depends_only_on_the_policy_folders_and_the_dependencies_not_on_the_coordinator_or_the_root()
    {
        var graph = FolderGraph(typeof(DependencyActor).Assembly);
        Assert.Subset(new HashSet<string> { "Admission", "Breaker", "Bulkhead", "Caching", "Retry", "Time", "Telemetry", "Isolation" }, graph["Pipeline"]);
        Assert.DoesNotContain("Coordination", graph["Dependencies"]);
        Assert.DoesNotContain("Root", graph["Dependencies"]);
        Assert.Contains("Dependencies", graph["Root"]);
    }

    private static Dictionary<string, HashSet<string>> FolderGraph(Assembly assembly)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (Folder(type) is not { } from) continue;
            var uses = graph.TryGetValue(from, out var known) ? known : graph[from] = [];
            foreach (var used in Referenced(type))
                if (Folder(used) is { } to && to != from) uses.Add(to);
        }
        return graph;
    }

    /// <summary>The folder of a type of the actors' assembly: the namespace segment after the root; null outside it (or at the root).</summary>
    private static string? Folder(Type type)
    {
        while (type.IsNested) type = type.DeclaringType!;
        if (type.Namespace is not { } ns || !ns.StartsWith(Root + ".", StringComparison.Ordinal)) return null;
        return ns[(Root.Length + 1)..].Split('.')[0];
    }

    private static IEnumerable<Type> Referenced(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<Type>();
        if (type.BaseType is { } baseType) found.Add(baseType);
        found.AddRange(type.GetInterfaces());
        found.AddRange(type.GetFields(all).Select(f => f.FieldType));
        found.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info) found.Add(info.ReturnType);
            found.AddRange(method.GetParameters().Select(p => p.ParameterType));
            found.AddRange(InBody(method));
        }
        return found.SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType) return Unwrap(type.GetElementType()!);
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            return type.GetGenericArguments().SelectMany(Unwrap).Prepend(type.GetGenericTypeDefinition());
        return type.IsGenericParameter ? [] : [type];
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types a method body names: every metadata token its instructions carry.</summary>
    private static IEnumerable<Type> InBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, i);
                    Type[] found;
                    try
                    {
                        found = module.ResolveMember(token, typeArgs, methodArgs) switch
                        {
                            Type t => [t],
                            MethodInfo { IsGenericMethod: true } m => [m.DeclaringType!, .. m.GetGenericArguments()],
                            MemberInfo m => [m.DeclaringType!],
                            _ => [],
                        };
                    }
                    catch (ArgumentException)
                    {
                        found = []; // a token of another kind: nothing to learn
                    }
                    foreach (var t in found) yield return t;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(); // 1: on the path, 2: done
        var path = new List<string>();
        foreach (var start in graph.Keys.Order())
            if (Visit(start) is { } cycle) return cycle;
        return null;

        List<string>? Visit(string node)
        {
            if (state.GetValueOrDefault(node) == 2) return null;
            if (state.GetValueOrDefault(node) == 1) return [.. path.SkipWhile(n => n != node), node];
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []).Order())
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }
}
