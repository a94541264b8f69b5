#include "plugin/elf_section.hpp"

#include "util/error.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace cf::host {
namespace {

// A read-only file descriptor that closes itself.
class File {
 public:
  explicit File(const std::filesystem::path& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw UserError(std::string("cannot open: ") + std::strerror(errno));
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  std::uint64_t size() const {
    struct stat info {};
    if (::fstat(fd_, &info) != 0) throw UserError(std::string("cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(info.st_mode)) throw UserError("not a regular file");
    return static_cast<std::uint64_t>(info.st_size);
  }

  // Reads exactly `length` bytes at `offset`; the caller has checked them against size().
  void read_at(void* out, std::uint64_t length, std::uint64_t offset) const {
    auto* cursor = static_cast<char*>(out);
    while (length > 0) {
      const ssize_t got = ::pread(fd_, cursor, length, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) throw UserError("truncated file (read failed)");
      cursor += got;
      offset += static_cast<std::uint64_t>(got);
      length -= static_cast<std::uint64_t>(got);
    }
  }

 private:
  int fd_;
};

bool fits(std::uint64_t offset, std::uint64_t length, std::uint64_t file_size) {
  return offset <= file_size && length <= file_size - offset;
}

}  // namespace

std::optional<std::string> read_elf_section(const std::filesystem::path& path,
                                            std::string_view section_name) {
  const File file(path);
  const std::uint64_t file_size = file.size();

  unsigned char ident[EI_NIDENT] = {};
  if (file_size < EI_NIDENT) throw UserError("not an ELF file");
  file.read_at(ident, EI_NIDENT, 0);
  if (std::memcmp(ident, ELFMAG, SELFMAG) != 0) throw UserError("not an ELF file");
  if (ident[EI_CLASS] != ELFCLASS64) throw UserError("not a 64-bit ELF file");
  if (ident[EI_DATA] != ELFDATA2LSB) throw UserError("not a little-endian ELF file");

  Elf64_Ehdr header{};
  if (file_size < sizeof header) throw UserError("truncated ELF file (header)");
  file.read_at(&header, sizeof header, 0);
  if (header.e_type != ET_DYN)
    throw UserError("not a shared object (ELF type " + std::to_string(header.e_type) + ")");
  if (header.e_shentsize != sizeof(Elf64_Shdr)) throw UserError("corrupt ELF file (section header size)");

  // Large section counts live in the first section header (ELF extended numbering).
  std::uint64_t count = header.e_shnum;
  std::uint64_t names_index = header.e_shstrndx;
  Elf64_Shdr first{};
  if (header.e_shoff == 0) throw UserError("corrupt ELF file (no section headers)");
  if (!fits(header.e_shoff, sizeof first, file_size)) throw UserError("truncated ELF file (section headers)");
  file.read_at(&first, sizeof first, header.e_shoff);
  if (count == 0) count = first.sh_size;
  if (names_index == SHN_XINDEX) names_index = first.sh_link;

  if (count == 0 || count > file_size / sizeof(Elf64_Shdr) ||
      !fits(header.e_shoff, count * sizeof(Elf64_Shdr), file_size)) {
    throw UserError("truncated ELF file (section headers)");
  }
  if (names_index >= count) throw UserError("corrupt ELF file (section name table index)");

  std::vector<Elf64_Shdr> sections(count);
  file.read_at(sections.data(), count * sizeof(Elf64_Shdr), header.e_shoff);

  const Elf64_Shdr& names = sections[names_index];
  if (!fits(names.sh_offset, names.sh_size, file_size)) throw UserError("truncated ELF file (section names)");
  std::string name_table(names.sh_size, '\0');
  file.read_at(name_table.data(), names.sh_size, names.sh_offset);

  for (const Elf64_Shdr& section : sections) {
    if (section.sh_name >= name_table.size()) throw UserError("corrupt ELF file (section name offset)");
    const char* name = name_table.c_str() + section.sh_name;
    const std::size_t name_length = strnlen(name, name_table.size() - section.sh_name);
    if (std::string_view(name, name_length) != section_name) continue;
    if (section.sh_type == SHT_NOBITS) return std::string();
    if (!fits(section.sh_offset, section.sh_size, file_size))
      throw UserError("truncated ELF file (metadata section)");
    std::string contents(section.sh_size, '\0');
    file.read_at(contents.data(), section.sh_size, section.sh_offset);
    return contents;
  }
  return std::nullopt;
}

}  // namespace cf::host
