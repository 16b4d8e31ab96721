// Speed patches for the tfjs wasm backend (filled in by the backend work).
export function applyWasmPatches(): string[] {
  return [];
}
