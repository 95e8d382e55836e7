using System.Reflection;
using System.Reflection.Emit;

namespace BpfChannels.Bindings.Tests;

/// <summary>
/// The accessors the bindings' speed rests on (bench/BpfChannels.Benchmarks/Bindings/README.md), checked in the compiled
/// IL: <c>Maps</c> returns a field, and a map's property is an aggressively inlined field load and null check with the
/// wrapper's creation in a method that is never inlined, so the JIT's code per operation is one load and one test.
/// </summary>
public sealed class AccessorShapeTests
{
    [Fact]
    public void MapProperty_Compiled_IsInlinedFieldLoadAndNullCheckWithCreationOutOfLine()
    {
        MethodInfo getter = typeof(RoundTripBpf.MapSet).GetProperty(nameof(RoundTripBpf.MapSet.Samples))!.GetMethod!;

        Assert.True(getter.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveInlining));
        List<(OpCode Op, int Operand)> il = Decode(getter);
        Assert.Equal([OpCodes.Ldarg_0, OpCodes.Ldfld, OpCodes.Dup, OpCodes.Brtrue_S, OpCodes.Pop, OpCodes.Ldarg_0, OpCodes.Call, OpCodes.Ret], il.Select(i => i.Op));
        Assert.Equal("_Samples", getter.Module.ResolveField(il[1].Operand)!.Name);
        MethodBase create = getter.Module.ResolveMethod(il[6].Operand)!;
        Assert.Equal("CreateSamples", create.Name);
        Assert.True(create.MethodImplementationFlags.HasFlag(MethodImplAttributes.NoInlining));
    }

    [Fact]
    public void MapsProperty_Compiled_ReturnsAField()
    {
        MethodInfo getter = typeof(RoundTripBpf).GetProperty(nameof(RoundTripBpf.Maps))!.GetMethod!;

        List<(OpCode Op, int Operand)> il = Decode(getter);

        Assert.Equal([OpCodes.Ldarg_0, OpCodes.Ldfld, OpCodes.Ret], il.Select(i => i.Op));
        Assert.Equal("_maps", getter.Module.ResolveField(il[1].Operand)!.Name);
        Assert.True(typeof(RoundTripBpf).IsSealed);
    }

    // Enough of an IL decoder for accessors: one-byte opcodes with no operand, a 1-byte branch, or a 4-byte token.
    private static List<(OpCode Op, int Operand)> Decode(MethodInfo method)
    {
        byte[] body = method.GetMethodBody()!.GetILAsByteArray()!;
        var known = new[] { OpCodes.Ldarg_0, OpCodes.Ldfld, OpCodes.Dup, OpCodes.Brtrue_S, OpCodes.Pop, OpCodes.Call, OpCodes.Ret }.ToDictionary(o => (byte)o.Value);
        var decoded = new List<(OpCode, int)>();
        for (int i = 0; i < body.Length;)
        {
            OpCode op = known.TryGetValue(body[i], out OpCode found) ? found : throw new InvalidOperationException($"Unexpected IL byte 0x{body[i]:x2} at {i} in {method.Name}.");
            i++;
            int operand = 0;
            if (op.OperandType == OperandType.ShortInlineBrTarget)
            {
                operand = (sbyte)body[i];
                i += 1;
            }
            else if (op.OperandType is OperandType.InlineField or OperandType.InlineMethod)
            {
                operand = BitConverter.ToInt32(body, i);
                i += 4;
            }

            decoded.Add((op, operand));
        }

        return decoded;
    }
}
