FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# npm install with the committed lock file (npm ci refuses lock files without every platform's optional packages).
RUN npm install --omit=dev --no-audit --no-fund
COPY . .
ENV LONGHAND_HOST=0.0.0.0 LONGHAND_DATA_DIR=/data
VOLUME /data
EXPOSE 3000
ENTRYPOINT ["node", "bin/longhand.mjs"]
CMD ["start"]
