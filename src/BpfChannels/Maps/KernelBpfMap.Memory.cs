namespace BpfChannels;

internal sealed unsafe partial class KernelBpfMap
{
    private readonly Lock _mapLock = new();
    private MappedMemory? _mapping;
    private bool _mappedWritable;

    internal override byte* AcquireMappedMemory(bool writable, out nuint length)
    {
        lock (_mapLock)
        {
            ThrowIfDisposed();
            _mapping ??= MapMemory();
            if (writable && !_mappedWritable)
            {
                throw new InvalidOperationException($"Map '{Name}' can only be mapped read-only here (it is frozen, read-only for user space, or its descriptor was opened read-only); read it with ReadSnapshot.");
            }

            // The mapping is a SafeHandle: a reference held here keeps it mapped, even across Dispose, until released.
            bool added = false;
            _mapping.DangerousAddRef(ref added);
            length = _mapping.Length;
            return _mapping.Pointer;
        }
    }

    internal override void ReleaseMappedMemory() => _mapping!.DangerousRelease();

    private MappedMemory MapMemory()
    {
        if (Type != BpfMapType.Array || (Flags & BpfMapFlags.Mmapable) == 0)
        {
            throw new InvalidOperationException($"Map '{Name}' is not an Mmapable array (create it with BpfMapFlags.Mmapable).");
        }

        nuint page = (nuint)Environment.SystemPageSize;
        nuint size = (nuint)PerCpuStride(ValueSize) * (nuint)MaxEntries;
        size = (size + page - 1) & ~(page - 1);
        int errno = Interop.Errno.EACCES;
        MappedMemory? mapping = (Flags & BpfMapFlags.ReadOnly) != 0
            ? null
            : MappedMemory.TryMap(_handle, size, Interop.Libc.PROT_READ | Interop.Libc.PROT_WRITE, 0, out errno);
        _mappedWritable = mapping is not null;

        // The kernel refuses a writable mapping of a frozen map (EPERM), of a map programs may only read, and
        // through a read-only descriptor (EACCES); a snapshot needs only to read.
        if (mapping is null && errno is Interop.Errno.EACCES or Interop.Errno.EPERM)
        {
            mapping = MappedMemory.TryMap(_handle, size, Interop.Libc.PROT_READ, 0, out errno);
        }

        return mapping ?? throw Error(errno, BpfCommand.Mmap);
    }
}
