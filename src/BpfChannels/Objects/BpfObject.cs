using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

/// <summary>
/// A BPF ELF object (compiled from <c>.bpf.c</c>): its maps and programs, opened through libbpf.so.1, adjusted,
/// loaded into the kernel, then used as <see cref="BpfMap"/>s and <see cref="BpfProgram"/>s.
/// </summary>
/// <remarks>
/// <para>Open with <see cref="Open(string, BpfObjectOptions?)"/> (a file), <see cref="Open(ReadOnlySpan{byte}, string, BpfObjectOptions?)"/>
/// (memory) or <see cref="OpenResource"/> (an embedded resource); adjust <see cref="Maps"/> and <see cref="Programs"/>;
 /// call <see cref="Load"/>. Objects with legacy <c>struct bpf_map_def SEC("maps")</c> definitions, which libbpf 1.x
/// refuses, are loaded by this library's own ELF loader (<see cref="IsLegacy"/>) and appear the same way. </para>
/// <para>The maps and programs belong to the object: <see cref="Dispose"/> closes them all (links created by
/// attaching stay until they are disposed themselves). BTF-defined maps need kernel 5.2+, global variables 5.2+.
/// Not thread-safe while opening and loading; after <see cref="Load"/>, the maps are as thread-safe as any
/// <see cref="BpfMap"/>.</para>
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe partial class BpfObject : IDisposable
{
    private readonly List<BpfObjectMap> _maps = [];
    private readonly List<BpfProgram> _programs = [];
    private nint _object;
    private byte* _logBuffer;
    private int _logSize;
    private bool _disposed;

    private BpfObject(string name)
    {
        Name = name;
    }

    /// <summary>The object's name (its file name without directories, or the name given when opening from memory).</summary>
    public string Name { get; }

    /// <summary>Whether <see cref="Load"/> has succeeded.</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>The object's maps in definition order (index <c>i</c> is the old loaders' <c>map_data[i]</c>).</summary>
    public IReadOnlyList<BpfObjectMap> Maps => _maps;

    /// <summary>The object's programs in the order of the ELF file.</summary>
    public IReadOnlyList<BpfProgram> Programs => _programs;

    internal nint NativeObject => _object;

    /// <summary>Opens the ELF object file at <paramref name="path"/> without loading it.</summary>
    /// <param name="path">The <c>.o</c> file.</param>
    /// <param name="options">Open options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The opened object; call <see cref="Load"/> next.</returns>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="BpfException">The file is empty or not a valid BPF ELF object.</exception>
    /// <exception cref="DllNotFoundException">libbpf.so.1 is not installed (package libbpf1).</exception>
    public static BpfObject Open(string path, BpfObjectOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The BPF object file '{path}' does not exist.", path);
        }

        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length == 0)
        {
            throw new BpfException($"The BPF object file '{path}' is empty (0 bytes), so it is not an ELF object; rebuild it (clang -target bpf -c).", BpfCommand.ObjectOpen.Name(), Path.GetFileName(path), Interop.Errno.ENOEXEC);
        }

        return OpenCore(elf, Path.GetFileName(path), path, options);
    }

    /// <summary>Opens a BPF ELF object held in memory without loading it.</summary>
    /// <param name="elf">The object file's bytes (copied; the span need not outlive the call).</param>
    /// <param name="name">The object's name.</param>
    /// <param name="options">Open options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The opened object; call <see cref="Load"/> next.</returns>
    /// <exception cref="ArgumentException"><paramref name="elf"/> is empty or <paramref name="name"/> is empty.</exception>
    /// <exception cref="BpfException">The bytes are not a valid BPF ELF object.</exception>
    /// <exception cref="DllNotFoundException">libbpf.so.1 is not installed (package libbpf1).</exception>
    public static BpfObject Open(ReadOnlySpan<byte> elf, string name, BpfObjectOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (elf.IsEmpty)
        {
            throw new ArgumentException("The ELF object is empty.", nameof(elf));
        }

        return OpenCore(elf, name, null, options);
    }

    /// <summary>Opens a BPF ELF object embedded as a manifest resource (see the <c>BpfProgram</c> item's <c>Embed</c> metadata).</summary>
    /// <param name="assembly">The assembly holding the resource.</param>
    /// <param name="resourceName">The resource's name (for a <c>BpfProgram</c> item: the object's file name, for example <c>probe.bpf.o</c>).</param>
    /// <param name="options">Open options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The opened object; call <see cref="Load"/> next.</returns>
    /// <exception cref="ArgumentException">The assembly has no such resource.</exception>
    /// <exception cref="BpfException">The resource is not a valid BPF ELF object.</exception>
    /// <exception cref="DllNotFoundException">libbpf.so.1 is not installed (package libbpf1).</exception>
    public static BpfObject OpenResource(Assembly assembly, string resourceName, BpfObjectOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        using Stream stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new ArgumentException($"The assembly '{assembly.GetName().Name}' has no resource '{resourceName}'; it has: {string.Join(", ", assembly.GetManifestResourceNames())}.", nameof(resourceName));
        byte[] elf = new byte[stream.Length];
        stream.ReadExactly(elf);
        return Open(elf, resourceName, options);
    }

    /// <summary>Opens the object file at <paramref name="path"/> and loads it.</summary>
    /// <param name="path">The <c>.o</c> file.</param>
    /// <param name="options">Open options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The loaded object.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="BpfVerifierException">The kernel rejected a program.</exception>
    /// <exception cref="BpfException">Opening or loading failed.</exception>
    public static BpfObject LoadFile(string path, BpfObjectOptions? options = null)
    {
        BpfObject obj = Open(path, options);
        try
        {
            obj.Load();
            return obj;
        }
        catch
        {
            obj.Dispose();
            throw;
        }
    }

    /// <summary>Creates the maps and loads the programs into the kernel (bpf_object__load).</summary>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    /// <exception cref="InvalidOperationException">The object is already loaded.</exception>
    /// <exception cref="BpfVerifierException">The kernel rejected a program; the exception carries the verifier log.</exception>
    /// <exception cref="BpfException">Creating a map, reusing a pin, or another step failed.</exception>
    public void Load()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsLoaded)
        {
            throw new InvalidOperationException($"The BPF object '{Name}' is already loaded.");
        }

        if (IsLegacy)
        {
            LoadLegacy();
        }
        else
        {
            LoadLibbpf();
        }

        IsLoaded = true;
    }

    /// <summary>Finds a map's definition by name (to adjust it before <see cref="Load"/>, or reach its <see cref="BpfObjectMap.Map"/>).</summary>
    /// <param name="name">The map's name as in the C source (<c>.bss</c>, <c>.data</c>, <c>.rodata</c> for global variables).</param>
    /// <param name="map">The definition, when found.</param>
    /// <returns>Whether the object has a map of that name.</returns>
    public bool TryGetMapDefinition(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BpfObjectMap? map)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (BpfObjectMap candidate in _maps)
        {
            if (candidate.Name == name || (name.StartsWith('.') && candidate.Name.EndsWith(name, StringComparison.Ordinal) && candidate.IsGlobalData))
            {
                map = candidate;
                return true;
            }
        }

        map = null;
        return false;
    }

    /// <summary>The definition of map <paramref name="name"/>.</summary>
    /// <param name="name">The map's name as in the C source.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="KeyNotFoundException">The object has no such map; the message lists the maps it has.</exception>
    public BpfObjectMap GetMapDefinition(string name) => TryGetMapDefinition(name, out BpfObjectMap? map)
        ? map
        : throw new KeyNotFoundException($"The BPF object '{Name}' has no map '{name}'; it has: {string.Join(", ", _maps.Select(m => m.Name))}.");

    /// <summary>The loaded map <paramref name="name"/>, owned by this object.</summary>
    /// <param name="name">The map's name as in the C source.</param>
    /// <returns>The map (do not dispose it; <see cref="Dispose"/> does).</returns>
    /// <exception cref="KeyNotFoundException">The object has no such map.</exception>
    /// <exception cref="InvalidOperationException">The object is not loaded yet.</exception>
    public BpfMap GetMap(string name) => GetMapDefinition(name).Map;

    /// <summary>The loaded map <paramref name="name"/> with typed keys and values.</summary>
    /// <typeparam name="TKey">The key type; its size must be the map's key size.</typeparam>
    /// <typeparam name="TValue">The value type; its size must be the map's value size.</typeparam>
    /// <param name="name">The map's name as in the C source.</param>
    /// <returns>A typed view of the map owned by this object (disposing it disposes the shared map).</returns>
    /// <exception cref="KeyNotFoundException">The object has no such map.</exception>
    /// <exception cref="InvalidOperationException">The object is not loaded yet.</exception>
    /// <exception cref="ArgumentException">The types' sizes do not match the map.</exception>
    public BpfMap<TKey, TValue> GetMap<TKey, TValue>(string name)
        where TKey : unmanaged
        where TValue : unmanaged => new(GetMap(name));

    /// <summary>Finds a program by name (the C function's name).</summary>
    /// <param name="name">The program's name.</param>
    /// <param name="program">The program, when found.</param>
    /// <returns>Whether the object has such a program.</returns>
    public bool TryGetProgram(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BpfProgram? program)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (BpfProgram candidate in _programs)
        {
            if (candidate.Name == name)
            {
                program = candidate;
                return true;
            }
        }

        program = null;
        return false;
    }

    /// <summary>The program named <paramref name="name"/> (the C function's name).</summary>
    /// <param name="name">The program's name.</param>
    /// <returns>The program.</returns>
    /// <exception cref="KeyNotFoundException">The object has no such program; the message lists the programs it has.</exception>
    public BpfProgram GetProgram(string name) => TryGetProgram(name, out BpfProgram? program)
        ? program
        : throw new KeyNotFoundException($"The BPF object '{Name}' has no program '{name}'; it has: {string.Join(", ", _programs.Select(p => p.Name))}.");

    /// <summary>Closes every map and program of the object. Links stay attached until they are disposed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (BpfObjectMap map in _maps)
        {
            map.Close();
        }

        foreach (BpfProgram program in _programs)
        {
            program.Close();
        }

        FreeLog();
        if (_object != 0)
        {
            bpf_object__close(_object);
            _object = 0;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"BPF object '{Name}' ({_maps.Count} maps, {_programs.Count} programs{(IsLoaded ? ", loaded" : string.Empty)})";

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    internal static string? Utf8(byte* s) => s is null ? null : Marshal.PtrToStringUTF8((nint)s);

    private static BpfObject OpenCore(ReadOnlySpan<byte> elf, string name, string? path, BpfObjectOptions? options)
    {
        options ??= new BpfObjectOptions();
        if (options.VerifierLogSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.VerifierLogSize, "VerifierLogSize must not be negative.");
        }

        var obj = new BpfObject(options.ObjectName ?? name);
        try
        {
            if (LegacyElfLoader.HasLegacyMaps(elf, name))
            {
                obj.OpenLegacy(elf, options);
            }
            else
            {
                obj.OpenLibbpf(elf, options);
            }

            return obj;
        }
        catch
        {
            obj.Dispose();
            throw;
        }
    }

    private void OpenLibbpf(ReadOnlySpan<byte> elf, BpfObjectOptions options)
    {
        LibbpfLibrary.EnsureAvailable();
        byte[] objectName = Encoding.UTF8.GetBytes(Name + "\0");
        byte[]? pinRoot = options.PinRoot is null ? null : Encoding.UTF8.GetBytes(options.PinRoot + "\0");
        if (options.VerifierLogSize > 0)
        {
            _logSize = options.VerifierLogSize;
            _logBuffer = (byte*)NativeMemory.AllocZeroed((nuint)_logSize);
        }

        fixed (byte* pElf = elf)
        fixed (byte* pName = objectName)
        fixed (byte* pRoot = pinRoot)
        {
            var opts = new bpf_object_open_opts
            {
                sz = (nuint)sizeof(bpf_object_open_opts),
                object_name = pName,
                pin_root_path = pRoot,
                kernel_log_buf = _logBuffer,
                kernel_log_size = (nuint)_logSize,
            };
            _object = bpf_object__open_mem(pElf, (nuint)elf.Length, &opts);
            if (_object == 0)
            {
                throw OpenError(Marshal.GetLastPInvokeError());
            }
        }

        for (nint map = bpf_object__next_map(_object, 0); map != 0; map = bpf_object__next_map(_object, map))
        {
            _maps.Add(new BpfObjectMap(this, map));
        }

        for (nint prog = bpf_object__next_program(_object, 0); prog != 0; prog = bpf_object__next_program(_object, prog))
        {
            _programs.Add(new BpfProgram(this, prog));
        }
    }

    private void LoadLibbpf()
    {
        if (_logBuffer is not null)
        {
            _logBuffer[0] = 0;
        }

        int result = bpf_object__load(_object);
        if (result < 0)
        {
            int errno = -result;
            string log = _logBuffer is null ? string.Empty : Marshal.PtrToStringUTF8((nint)_logBuffer) ?? string.Empty;
            BpfProgram? failed = _programs.FirstOrDefault(p => p.AutoLoad && bpf_program__fd(p.NativeProgram) < 0);
            FreeLog();
            // Only the verifier's errnos mean it rejected the program; a refusal before verification (EPERM) also
            // leaves its statistics line in the log, and is explained by its cause instead.
            if (log.Length > 0 && failed is not null && errno is Interop.Errno.EACCES or Interop.Errno.EINVAL or Interop.Errno.ENOSPC or Interop.Errno.E2BIG)
            {
                throw VerifierError(failed.Name, errno, log);
            }

            // An EPERM to a process that lacks nothing: the probe for the program's kind says what the kernel refuses.
            if (errno == Interop.Errno.EPERM && failed is not null && BpfPermissionFacts.HoldsBpfCapabilities()
                && BpfFeatures.ForSection(failed.SectionName) is { IsSupported: false, Errno: Interop.Errno.EPERM } refused)
            {
                throw new BpfException(
                    $"{BpfCommand.ObjectLoad.Name()} on '{Name}/{failed.Name}' failed with EPERM (1): operation not permitted: the kernel refused although this process holds every BPF capability, so no capability is missing; this kernel refuses SEC(\"{failed.SectionName}\") programs to every process: {refused.Reason}.",
                    BpfCommand.ObjectLoad.Name(),
                    $"{Name}/{failed.Name}",
                    Interop.Errno.EPERM);
            }

            throw BpfErrors.Create(errno, BpfCommand.ObjectLoad, failed is null ? Name : $"{Name}/{failed.Name}");
        }

        FreeLog();
        foreach (BpfObjectMap map in _maps)
        {
            map.OnLoaded();
        }

        foreach (BpfProgram program in _programs)
        {
            program.OnLoaded();
        }
    }

    private BpfException OpenError(int errno)
    {
        // libbpf reports ELF problems with its own codes above 4000 (LIBBPF_ERRNO__*, libbpf.h).
        string? libbpf = errno switch
        {
            4000 => "LIBBPF_ERRNO__LIBELF: libelf could not read it; it is not a valid ELF file",
            4001 => "LIBBPF_ERRNO__FORMAT: it is not a valid BPF ELF object (corrupt, truncated, or not compiled with -target bpf)",
            4003 => "LIBBPF_ERRNO__ENDIAN: the ELF object's byte order does not match this machine",
            4005 => "LIBBPF_ERRNO__RELOC: a relocation in the ELF object is invalid",
            _ when errno > 4000 => $"libbpf error {errno} while reading the ELF object",
            _ => null,
        };
        if (libbpf is null)
        {
            return BpfErrors.Create(errno == 0 ? Interop.Errno.EINVAL : errno, BpfCommand.ObjectOpen, Name);
        }

        int code = Interop.Errno.EINVAL;
        return new BpfException($"bpf_object__open on '{Name}' failed with {BpfErrors.Name(code)} ({code}): {libbpf}.", BpfCommand.ObjectOpen.Name(), Name, code);
    }

    private static string Tail(string log, int max) => log.Length <= max ? log : "..." + log[^max..];

    private void FreeLog()
    {
        if (_logBuffer is not null)
        {
            NativeMemory.Free(_logBuffer);
            _logBuffer = null;
        }
    }
}
