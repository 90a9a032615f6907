/* The feedback form (feedback/submit.html), on slow phone connections:
   - a chosen photo (JPEG, PNG, WebP) is made smaller before it is sent: at most 1600 px on the long side,
     JPEG at quality 0.8, turned upright; the original stays if that fails or is not smaller. The new size
     is said next to the field;
   - on "Send" the button is disabled and a status line says "Đang gửi…".
   Without this script the form works the same, only with the full-size photos; the server checks every file
   by its content either way (feedback/uploads.py). The words come from the template's data- attributes. */
(() => {
    "use strict";
    const form = document.querySelector("[data-feedback-form]");
    if (!form) return;
    const input = form.querySelector("input[type=file][name=attachments]");
    const sizes = document.getElementById("attachments-sizes");
    const status = document.getElementById("feedback-sending");
    const button = form.querySelector("button[type=submit]");
    const MAX_SIDE = 1600;
    const QUALITY = 0.8;
    const SHRINKABLE = ["image/jpeg", "image/png", "image/webp"];
    const lang = document.documentElement.lang || "vi";
    let pending = null;
    let chosen = 0; // counts the citizen's choices: a shrink finished after a newer choice is dropped
    let sending = false;

    const size = (bytes) =>
        bytes >= 1048576
            ? (bytes / 1048576).toLocaleString(lang, { maximumFractionDigits: 1 }) + " MB"
            : Math.max(1, Math.round(bytes / 1024)).toLocaleString(lang) + " KB";

    const shrink = async (file) => {
        if (!SHRINKABLE.includes(file.type) || !window.createImageBitmap) return file;
        let bitmap;
        try {
            bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
            const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
            const canvas = document.createElement("canvas");
            canvas.width = Math.max(1, Math.round(bitmap.width * scale));
            canvas.height = Math.max(1, Math.round(bitmap.height * scale));
            const context = canvas.getContext("2d");
            context.fillStyle = "#fff"; // transparent parts of a PNG become white, not black
            context.fillRect(0, 0, canvas.width, canvas.height);
            context.imageSmoothingQuality = "high";
            context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
            const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
            if (!blob || blob.size >= file.size) return file;
            const name = file.name.replace(/\.[^./\\]*$/, "") + ".jpg";
            return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
        } catch (error) {
            return file;
        } finally {
            if (bitmap) bitmap.close();
        }
    };

    const shrinkChosen = async (choice) => {
        const originals = Array.from(input.files);
        if (sizes) sizes.textContent = "";
        if (!originals.length || !window.DataTransfer) return;
        const files = [];
        for (const file of originals) files.push(await shrink(file)); // one at a time: phones have little memory
        if (!files.some((file, index) => file !== originals[index])) return;
        if (choice !== chosen) return;
        const transfer = new DataTransfer();
        files.forEach((file) => transfer.items.add(file));
        input.files = transfer.files;
        if (sizes) {
            const changed = files
                .map((file, index) => [originals[index], file])
                .filter(([original, file]) => original !== file)
                .map(([original, file]) => `${file.name}: ${size(original.size)} → ${size(file.size)}`);
            sizes.textContent = `${form.dataset.photoSmaller} ${changed.join("; ")}`;
        }
    };

    if (input) {
        input.addEventListener("change", () => {
            chosen += 1;
            const run = shrinkChosen(chosen).catch(() => null);
            pending = run;
            run.then(() => {
                if (pending === run) pending = null;
            });
        });
    }

    form.addEventListener("submit", (event) => {
        if (sending) {
            event.preventDefault(); // a second tap while the first is on its way
            return;
        }
        sending = true;
        if (status) status.textContent = form.dataset.sending;
        if (button) {
            button.disabled = true;
            button.setAttribute("aria-disabled", "true");
        }
        if (pending) {
            // A photo is still being made smaller: send once it is ready.
            event.preventDefault();
            pending.then(() => HTMLFormElement.prototype.submit.call(form));
        }
    });

    // Back from the receipt (the page restored from the browser's cache): the form can be used again.
    window.addEventListener("pageshow", (event) => {
        if (!event.persisted) return;
        sending = false;
        if (status) status.textContent = "";
        if (button) {
            button.disabled = false;
            button.removeAttribute("aria-disabled");
        }
    });
})();
