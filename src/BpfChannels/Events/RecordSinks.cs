using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels.Events;

/// <summary>The sinks shared by the ring buffer and perf buffer readers.</summary>
internal static class RecordSinks
{
    /// <summary>Throws when a record is too short for <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref readonly T As<T>(ReadOnlySpan<byte> record)
        where T : unmanaged
    {
        if (record.Length < Unsafe.SizeOf<T>())
        {
            ThrowTooShort(record.Length, Unsafe.SizeOf<T>(), typeof(T));
        }

        return ref Unsafe.As<byte, T>(ref MemoryMarshal.GetReference(record));
    }

    private static void ThrowTooShort(int length, int size, Type type) =>
        throw new InvalidDataException($"A {length}-byte record is too short for {type.Name} ({size} bytes).");

    internal readonly struct Span(RecordHandler handler) : IRecordHandler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnRecord(ReadOnlySpan<byte> record) => handler(record);
    }

    internal readonly struct Typed<T>(RecordHandler<T> handler) : IRecordHandler
        where T : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnRecord(ReadOnlySpan<byte> record) => handler(in As<T>(record));
    }

    internal readonly struct Copy<T>(Action<T> handler) : IRecordHandler
        where T : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnRecord(ReadOnlySpan<byte> record) => handler(As<T>(record));
    }
}
