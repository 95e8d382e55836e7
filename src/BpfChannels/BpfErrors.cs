using static BpfChannels.Interop.Errno;

namespace BpfChannels;

/// <summary>
/// The one errno-to-exception table: names every errno and explains what a user can do about it, choosing the
/// advice from the cause the library can see (a descriptor's mode, a frozen map, a pin's file mode, the
/// capabilities this process holds, kernel lockdown), not from the command alone.
/// </summary>
internal static class BpfErrors
{
    /// <summary>The C name of an errno.</summary>
    internal static string Name(int errno) => Interop.Errno.Name(errno);

    /// <summary>Builds the exception for a failed call on <paramref name="objectName"/>.</summary>
    internal static BpfException Create(int errno, BpfCommand command, string? objectName) => Create(errno, command, objectName, default);

    /// <summary>Builds the exception for a failed call, with what is known about its cause.</summary>
    internal static BpfException Create(int errno, BpfCommand command, string? objectName, in BpfErrorContext context)
    {
        string target = string.IsNullOrEmpty(objectName) ? string.Empty : $" on '{objectName}'";
        string message = $"{command.Name()}{target} failed with {Name(errno)} ({errno}): {Explain(errno, command, context)}.";
        return new BpfException(message, command.Name(), objectName, errno);
    }

    /// <summary>What the errno means for this call and what to do about it.</summary>
    internal static string Explain(int errno, BpfCommand command, in BpfErrorContext context)
    {
        if (errno is EPERM or EACCES && PermissionCause(errno, command, context) is { } cause)
        {
            return cause;
        }

        bool program = command.IsProgramOrObject();
        bool update = command is BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch;
        bool pin = command.UsesPin();
        return errno switch
        {
            EINVAL when command == BpfCommand.MapCreate => "invalid argument: an attribute is invalid for this map type (key or value size, max_entries, flags, name characters, inner map)",
            EINVAL when update => "invalid argument: the flags are not valid for this map type (BPF_F_LOCK needs a value with a bpf_spin_lock; arrays take no NoExist)",
            EINVAL when command == BpfCommand.ObjectOpen => "invalid argument: this is not a BPF ELF object libbpf can read",
            EINVAL when program => "invalid argument: the kernel does not accept this program, object or attachment as given (program or attach type, section name, license, or a relocation)",
            EINVAL when pin => "invalid argument: the path or its access flags are not valid for a pin",
            EINVAL when command == BpfCommand.Mmap => "invalid argument: this descriptor cannot be memory-mapped with that size or offset",
            EINVAL => "invalid argument: the command or its flags are not valid for this map type",
            ENOMEM when program => "out of memory: the kernel could not allocate for the program or object; raise the memlock limit (ulimit -l) or the memory cgroup limit",
            ENOMEM => "out of memory: lower max_entries or the value size, or raise the memlock limit (ulimit -l) or the memory cgroup limit",
            EEXIST when pin => "the pin path already exists: unpin it first or choose another path",
            EEXIST => "the key already exists (the update asked for NoExist)",
            ENOENT when pin => "no pinned object at that path (is bpffs mounted and the object pinned?)",
            ENOENT when command is BpfCommand.MapGetFdById or BpfCommand.BtfGetFdById => "no object has that id (it was freed, or the id is wrong)",
            ENOENT when program => "something the object or program refers to does not exist in this kernel (a kernel function, tracepoint, BTF type or attach target)",
            ENOENT when update => "the key does not exist (the update asked for Exist)",
            ENOENT => "the key or object does not exist",
            E2BIG when update => "the map is full: max_entries is reached; delete entries or create the map larger",
            E2BIG when command == BpfCommand.MapCreate => "an attribute is too big for this kernel (value size, max_entries, or an attr field the kernel does not know)",
            E2BIG when program => "too big: the program or an attribute exceeds a kernel limit",
            E2BIG => "too big: the map is full or an argument exceeds a kernel limit",
            ENOSPC when program => "no space: an output buffer (the verifier log, or test-run data or context out) is too small",
            ENOSPC => "no space: the batch buffer is too small for a bucket, or the queue/stack is full",
            EBUSY when command == BpfCommand.MapFreeze => "busy: the map has a writable memory mapping or a program is writing it, so it cannot be frozen now",
            EBUSY => "busy: the object is in use in a way that forbids this",
            EACCES when command is BpfCommand.ProgLoad or BpfCommand.ObjectLoad => "access denied: the verifier rejected a program (an access it cannot prove safe); load with a verifier log to see which instruction",
            EBADF when program => "bad descriptor: the program, object or link was closed, or the descriptor is not of the expected kind",
            EBADF => "bad descriptor: the map or program was closed, or the descriptor is not of the expected kind",
            ENOTSUPP or EOPNOTSUPP => program ? "not supported by this kernel for this program or attach type" : "not supported by this map type or kernel version",
            ENOSYS => "the bpf() syscall is not available on this kernel",
            EFAULT => "bad address: a buffer passed to the kernel was invalid",
            EMFILE => "too many open files: raise the descriptor limit (ulimit -n)",
            EAGAIN => "temporarily unavailable: try again",
            ENOTDIR => "a component of the path is not a directory",
            ENAMETOOLONG => "the path is too long",
            ENODEV => "no such device: the interface, CPU or device does not exist",
            _ => Meaning(errno),
        };
    }

    /// <summary>The cause of EPERM or EACCES that this library can see, or null when it sees none.</summary>
    private static string? PermissionCause(int errno, BpfCommand command, in BpfErrorContext context)
    {
        if (context.Map is { } map)
        {
            if (command == BpfCommand.MapFreeze && map.Frozen)
            {
                return "operation not permitted: the map is already frozen (a map is frozen once; user space can no longer write it, programs still can)";
            }

            if (command.WritesMap() && map.Frozen)
            {
                return "operation not permitted: the map is frozen (BPF_MAP_FREEZE), so user space can no longer write it; programs still can";
            }

            if (command.WritesMap() && map.ReadOnlyDescriptor)
            {
                return "operation not permitted: this descriptor of the map was opened read-only (BpfPinAccess.ReadOnly, or a map created read-only for user space), so it cannot write or freeze the map; open the map read-write for that";
            }

            if (command.ReadsMap() && map.WriteOnlyDescriptor)
            {
                return "operation not permitted: this descriptor of the map was opened write-only (BpfPinAccess.WriteOnly), so it cannot read the map; open it read-write or read-only for that";
            }
        }

        if (command.UsesPin() && context.PinPath is { } path && BpfPermissionFacts.PinCause(path, command, context.PinAccess) is { } pinCause)
        {
            return pinCause;
        }

        if (command == BpfCommand.Mmap && context.Map is { } mapped && (mapped.Frozen || mapped.ReadOnlyDescriptor))
        {
            return "the map cannot be mapped writable: it is frozen or its descriptor is read-only; map it read-only";
        }

        if (errno == EACCES && command is BpfCommand.ProgLoad or BpfCommand.ObjectLoad)
        {
            return null; // the verifier's EACCES, explained with the other errnos
        }

        return BpfPermissionFacts.ProcessCause(command);
    }
}
