using System.Runtime.InteropServices;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

/// <summary>A program of a <see cref="BpfObject"/>: chosen for loading before load, then test-run, attached or pinned.</summary>
/// <remarks>
/// The program's descriptor belongs to the object and is closed by <see cref="BpfObject.Dispose"/>; links made by
/// the Attach methods keep the program in the kernel until they are disposed. <see cref="TestRun(ReadOnlySpan{byte}, Span{byte}, ReadOnlySpan{byte}, Span{byte}, int)"/>
/// and the Attach methods are thread-safe after load; <see cref="AutoLoad"/> is not.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe partial class BpfProgram
{
    private readonly BpfObject _owner;
    private readonly nint _program;
    private BpfHandle? _handle;
    private bool _autoLoad = true;

    internal BpfProgram(BpfObject owner, nint program)
    {
        _owner = owner;
        _program = program;
        Name = BpfObject.Utf8(bpf_program__name(program)) ?? string.Empty;
        SectionName = BpfObject.Utf8(bpf_program__section_name(program)) ?? string.Empty;
        Type = (BpfProgramType)bpf_program__type(program);
        _autoLoad = bpf_program__autoload(program);
    }

    internal BpfProgram(BpfObject owner, string name, string sectionName, BpfProgramType type)
    {
        _owner = owner;
        Name = name;
        SectionName = sectionName;
        Type = type;
    }

    /// <summary>The program's name (its C function's name).</summary>
    public string Name { get; }

    /// <summary>The ELF section it came from (<c>SEC("...")</c>), which says where it attaches, for example <c>raw_tp/sys_enter</c>.</summary>
    public string SectionName { get; }

    /// <summary>The program's type.</summary>
    public BpfProgramType Type { get; }

    /// <summary>
    /// Whether <see cref="BpfObject.Load"/> loads this program (default <see langword="true"/>). Set it to
    /// <see langword="false"/> before load to skip a program (for example one the running kernel cannot verify).
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the object was loaded.</exception>
    public bool AutoLoad
    {
        get => _autoLoad;
        set
        {
            _owner.ThrowIfDisposed();
            if (_owner.IsLoaded)
            {
                throw new InvalidOperationException($"Program '{Name}' of '{_owner.Name}' is already loaded; choose programs between Open and Load.");
            }

            if (_program != 0)
            {
                int result = bpf_program__set_autoload(_program, value);
                if (result < 0)
                {
                    throw BpfErrors.Create(-result, BpfCommand.ProgramSetAutoload, Name);
                }
            }

            _autoLoad = value;
        }
    }

    /// <summary>Whether the program is loaded in the kernel.</summary>
    public bool IsLoaded => _handle is not null;

    /// <summary>The program's descriptor (owned by the object; do not dispose it).</summary>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    public BpfHandle Handle
    {
        get
        {
            _owner.ThrowIfDisposed();
            return _handle ?? throw new InvalidOperationException($"Program '{Name}' of '{_owner.Name}' is not loaded (load the object, and keep AutoLoad true).");
        }
    }

    internal nint NativeProgram => _program;

    internal BpfObject Owner => _owner;

    /// <summary>
    /// Runs the program once or <paramref name="repeat"/> times in the kernel on the given input (BPF_PROG_TEST_RUN).
    /// This is how tests drive the kernel side deterministically.
    /// </summary>
    /// <remarks>Requires Linux 4.12 or later (context in and out 5.2, SEC("syscall") programs 5.14).</remarks>
    /// <param name="data">Packet data in (XDP, tc, socket filter); empty for program types without data.</param>
    /// <param name="dataOut">Receives the packet data after the run; empty to discard it.</param>
    /// <param name="context">The context in (for example <c>struct xdp_md</c>, or the argument struct of a SEC("syscall") program).</param>
    /// <param name="contextOut">Receives the context after the run; empty to discard it.</param>
    /// <param name="repeat">How many times to run (the duration is the average); 0 and 1 both mean once.</param>
    /// <returns>The return value, average duration and output sizes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="repeat"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">The kernel refused (EINVAL: the type cannot be test-run or the input is malformed; ENOSPC: an output buffer is too small).</exception>
    public BpfTestRunResult TestRun(ReadOnlySpan<byte> data = default, Span<byte> dataOut = default, ReadOnlySpan<byte> context = default, Span<byte> contextOut = default, int repeat = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(repeat);

        // SEC("syscall") programs refuse any repeat; 0 means once for every type.
        int errno = Interop.Bpf.ProgTestRun(Handle, data, dataOut, context, contextOut, repeat <= 1 ? 0 : (uint)repeat, out Interop.Bpf.TestRunOutput output);
        return errno == 0
            ? new BpfTestRunResult(output.ReturnValue, output.Duration, (int)output.DataSizeOut, (int)output.ContextSizeOut)
            : throw BpfErrors.Create(errno, BpfCommand.ProgTestRun, Name);
    }

    /// <summary>
    /// Runs a program whose context is a struct, such as a SEC("syscall") program's argument struct (BPF_PROG_TEST_RUN).
    /// A SEC("syscall") program's writes to its context are copied back into <paramref name="context"/>.
    /// </summary>
    /// <typeparam name="TContext">The context struct, laid out as in the C program.</typeparam>
    /// <param name="context">The context in, and for SEC("syscall") programs out.</param>
    /// <returns>The program's return value.</returns>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">The kernel refused.</exception>
    public uint TestRun<TContext>(ref TContext context)
        where TContext : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(new Span<TContext>(ref context));
        return Type == BpfProgramType.Syscall
            ? TestRun(context: bytes).ReturnValue
            : TestRun(context: bytes, contextOut: bytes).ReturnValue;
    }

    /// <summary>Pins the program at <paramref name="path"/> on bpffs (BPF_OBJ_PIN), so it outlives the process.</summary>
    /// <param name="path">The pin path.</param>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">EEXIST (the path exists), ENOENT (no bpffs there) or another error.</exception>
    public void Pin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        PinFd(Handle, path, Name);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} program '{Name}' (SEC(\"{SectionName}\")) of '{_owner.Name}'";

    internal static void PinFd(BpfHandle handle, string path, string name)
    {
        int errno = Interop.Bpf.ObjPin(handle, path);
        if (errno != 0)
        {
            throw BpfErrors.Create(errno, BpfCommand.ObjPin, $"{name} at {path}", new BpfErrorContext { PinPath = Path.GetFullPath(path) });
        }
    }

    internal void OnLoaded()
    {
        int fd = bpf_program__fd(_program);
        if (fd >= 0)
        {
            _handle = BpfHandle.Duplicate(fd);
        }
    }

    internal void OnLoaded(BpfHandle handle) => _handle = handle;

    internal void Close()
    {
        _handle?.Dispose();
    }
}
