using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfChannels;

internal static partial class Interop
{
    internal static partial class Bpf
    {
        /// <summary>
        /// BPF_MAP_CREATE with every attribute of the command (the fields of its attr, in order); the new map's
        /// descriptor comes back in <paramref name="map"/>. The name is ASCII, of which at most 15 bytes are used.
        /// </summary>
        internal static unsafe int MapCreate(
            uint type,
            uint keySize,
            uint valueSize,
            uint maxEntries,
            uint flags,
            ReadOnlySpan<byte> name,
            SafeHandle? innerMap,
            uint numaNode,
            uint interfaceIndex,
            SafeHandle? btf,
            uint btfKeyTypeId,
            uint btfValueTypeId,
            uint btfVmlinuxValueTypeId,
            ulong mapExtra,
            out BpfHandle? map)
        {
            using var inner = new HandleLease(innerMap);
            using var btfLease = new HandleLease(btf);
            bpf_attr_map_create attr = default;
            attr.map_type = type;
            attr.key_size = keySize;
            attr.value_size = valueSize;
            attr.max_entries = maxEntries;
            attr.map_flags = flags;
            attr.inner_map_fd = (uint)inner.FileDescriptor;
            attr.numa_node = numaNode;
            CopyName(name, attr.map_name);
            attr.map_ifindex = interfaceIndex;
            attr.btf_fd = (uint)btfLease.FileDescriptor;
            attr.btf_key_type_id = btfKeyTypeId;
            attr.btf_value_type_id = btfValueTypeId;
            attr.btf_vmlinux_value_type_id = btfVmlinuxValueTypeId;
            attr.map_extra = mapExtra;
            return CallForHandle(BpfCommand.MapCreate, ref attr, out map);
        }

        /// <summary>BPF_MAP_LOOKUP_ELEM: copies the value of <paramref name="key"/> into <paramref name="value"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int MapLookupElem(SafeHandle map, ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
            => Elem(BpfCommand.MapLookupElem, map, key, value, flags);

        /// <summary>BPF_MAP_UPDATE_ELEM with BPF_ANY, BPF_NOEXIST or BPF_EXIST, optionally with BPF_F_LOCK.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int MapUpdateElem(SafeHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
            => Elem(BpfCommand.MapUpdateElem, map, key, value, flags);

        /// <summary>BPF_MAP_DELETE_ELEM.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int MapDeleteElem(SafeHandle map, ReadOnlySpan<byte> key)
            => Elem(BpfCommand.MapDeleteElem, map, key, default, 0);

        /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM (an empty key pops a queue or stack).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int MapLookupAndDeleteElem(SafeHandle map, ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
            => Elem(BpfCommand.MapLookupAndDeleteElem, map, key, value, flags);

        /// <summary>BPF_MAP_GET_NEXT_KEY; an empty <paramref name="key"/> asks for the first key.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int MapGetNextKey(SafeHandle map, ReadOnlySpan<byte> key, Span<byte> nextKey)
            => Elem(BpfCommand.MapGetNextKey, map, key, nextKey, 0);

        /// <summary>
        /// BPF_MAP_LOOKUP_ELEM on a raw descriptor, for a run of calls under one lease the caller holds for the whole run
        /// (a get_next_key walk): no reference counting per call.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int MapLookupElemLeased(int mapFd, ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
            => ElemLeased(BpfCommand.MapLookupElem, mapFd, key, value, flags);

        /// <summary>BPF_MAP_GET_NEXT_KEY on a raw descriptor the caller holds a lease on (see <see cref="MapLookupElemLeased"/>); an empty <paramref name="key"/> asks for the first key.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int MapGetNextKeyLeased(int mapFd, ReadOnlySpan<byte> key, Span<byte> nextKey)
            => ElemLeased(BpfCommand.MapGetNextKey, mapFd, key, nextKey, 0);

        /// <summary>BPF_MAP_FREEZE (5.2).</summary>
        internal static int MapFreeze(SafeHandle map)
        {
            using var lease = new HandleLease(map);
            var attr = new bpf_attr_map_fd { map_fd = (uint)lease.FileDescriptor };
            return Call(BpfCommand.MapFreeze, ref attr);
        }

        /// <summary>
        /// BPF_MAP_LOOKUP_BATCH or, with <paramref name="delete"/>, BPF_MAP_LOOKUP_AND_DELETE_BATCH (5.6): up to
        /// <paramref name="count"/> elements after <paramref name="inBatch"/> (empty: from the start); the cursor for
        /// the next call is written to <paramref name="outBatch"/>, the number read to <paramref name="count"/>.
        /// </summary>
        internal static unsafe int MapLookupBatch(SafeHandle map, bool delete, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values, ref int count, ulong elemFlags)
        {
            fixed (byte* i = inBatch)
            fixed (byte* o = outBatch)
            fixed (byte* k = keys)
            fixed (byte* v = values)
            {
                BpfCommand command = delete ? BpfCommand.MapLookupAndDeleteBatch : BpfCommand.MapLookupBatch;
                return Batch(command, map, inBatch.IsEmpty ? null : i, o, k, v, ref count, elemFlags);
            }
        }

        /// <summary>BPF_MAP_UPDATE_BATCH (5.6); <paramref name="count"/> is the number applied when it fails partway.</summary>
        internal static unsafe int MapUpdateBatch(SafeHandle map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref int count, ulong elemFlags)
        {
            fixed (byte* k = keys)
            fixed (byte* v = values)
            {
                return Batch(BpfCommand.MapUpdateBatch, map, null, null, k, v, ref count, elemFlags);
            }
        }

        /// <summary>BPF_MAP_DELETE_BATCH (5.6); <paramref name="count"/> is the number deleted when it fails partway.</summary>
        internal static unsafe int MapDeleteBatch(SafeHandle map, ReadOnlySpan<byte> keys, ref int count, ulong elemFlags)
        {
            fixed (byte* k = keys)
            {
                return Batch(BpfCommand.MapDeleteBatch, map, null, null, k, null, ref count, elemFlags);
            }
        }

        /// <summary>An element command under a lease on <paramref name="map"/> for the call.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Elem(BpfCommand command, SafeHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
        {
            using var lease = new HandleLease(map);
            return ElemLeased(command, lease.FileDescriptor, key, value, flags);
        }

        /// <summary>An element command on a descriptor the caller holds; an empty key or value is passed as NULL (a pinned empty span is a null pointer).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe int ElemLeased(BpfCommand command, int mapFd, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
        {
            fixed (byte* k = key)
            fixed (byte* v = value)
            {
                bpf_attr_map_elem attr = default;
                attr.map_fd = (uint)mapFd;
                attr.key = (ulong)k;
                attr.value = (ulong)v;
                attr.flags = flags;
                return Call(command, ref attr);
            }
        }

        private static unsafe int Batch(BpfCommand command, SafeHandle map, byte* inBatch, byte* outBatch, byte* keys, byte* values, ref int count, ulong elemFlags)
        {
            using var lease = new HandleLease(map);
            bpf_attr_batch attr = default;
            attr.in_batch = (ulong)inBatch;
            attr.out_batch = (ulong)outBatch;
            attr.keys = (ulong)keys;
            attr.values = (ulong)values;
            attr.count = (uint)count;
            attr.map_fd = (uint)lease.FileDescriptor;
            attr.elem_flags = elemFlags;
            int errno = Call(command, ref attr);

            // The kernel writes count back only once it has started on the elements; a write batch that
            // fails partway stops before the last element, so an unchanged full count means none was applied.
            bool rejectedUpFront = errno != 0 && attr.count == (uint)count && keys != null && outBatch == null;
            count = rejectedUpFront ? 0 : (int)attr.count;
            return errno;
        }
    }
}
